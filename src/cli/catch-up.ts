import type { Config } from '../config.js';
import type { Store } from '../composition.js';
import { startProgress } from './progress.js';
import type { BackgroundCatchUp } from './background-catch-up.js';

/**
 * Brings the derived stores up to date after a bulk write, showing progress, so the CLI's changes are
 * searchable at once even when no server is running (a running server would apply them too; both are
 * idempotent), and leaves the search index ready for the next start. `background`, a worker already
 * catching up, is stopped first and this process applies whatever it left.
 */
export async function catchUpWithProgress(store: Store, background?: BackgroundCatchUp): Promise<void> {
  await applyBacklog(store, background);
  await readyForNextStart(store);
}

/**
 * The embedded index loads its in-memory ranking on its first search and saves it when closed: done
 * at the end of a CLI command, the next server start reads postings of the tables as this command
 * left them instead of catching up every book it wrote (a seed's stock changes touch most of a
 * catalog: 7 s at 1M) or, after a rebuild's new tables, reading every stored book.
 */
export async function readyForNextStart(store: Store): Promise<void> {
  await store.searchIndex.search({ q: '', sort: 'relevance', limit: 1 });
}

async function applyBacklog(store: Store, background?: BackgroundCatchUp): Promise<void> {
  const before = await store.projections.status();
  const total = before.reduce((s, p) => s + p.lagEvents, 0);
  // A stream-fed runner knows no backlog before it reads: catch up without a bar.
  if (total === 0) {
    await background?.stop();
    return store.projections.catchUp();
  }
  const bar = startProgress('updating search, bestsellers and graph', total);
  let done = 0;
  const timer = setInterval(() => {
    void store.projections.status().then((now) => {
      const remaining = now.reduce((s, p) => s + p.lagEvents, 0);
      const applied = Math.max(0, total - remaining);
      if (applied > done) {
        bar.increment(applied - done);
        done = applied;
      }
    });
  }, 500);
  try {
    // The worker's pass in hand shows on the bar through the checkpoints; this process applies the rest.
    await background?.stop();
    await store.projections.catchUp();
  } finally {
    clearInterval(timer);
    bar.increment(total - done);
    bar.stop();
  }
}

/**
 * Says on stderr what happens to the changes just written when this process cannot reach the derived
 * stores: the stream function applies them, and this process cannot tell when it is done.
 */
export function noteDeployedDerivedStores(config: Config): void {
  console.error(
    `Wrote ${config.engines?.dynamodbTable ?? 'the table'} only (BOOKSTORE_DERIVED_STORES=deployed): the stream function brings search, ` +
      'bestsellers, graph and the book cache up to date in the background. Follow it on the admin page ' +
      '(GET /api/v1/admin/projections) or with the stream function\'s IteratorAge metric in CloudWatch.',
  );
}
