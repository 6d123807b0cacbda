import type { Book } from '../domain/book.js';
import type { Change } from '../domain/change-event.js';
import type { Snapshot } from '../ports/change-feed.js';
import type { SearchDocument, SearchIndex } from '../ports/search-index.js';
import type { StagedRebuild } from '../ports/staged-rebuild.js';
import type { Projection } from './projection.js';

const REBUILD_BATCH = 1000;

export function toSearchDocument(book: Book): SearchDocument {
  const { createdAt: _created, updatedAt: _updated, ...doc } = book;
  return doc;
}

/** Keeps the search index equal to the catalog. Book versions make every write order-independent. */
export class SearchProjection implements Projection {
  readonly name = 'search' as const;
  readonly entities = ['book'] as const;
  readonly sources = ['books'] as const;

  readonly staged?: StagedRebuild<Book>;

  /** `staged`: the index's rebuild in steps, where it has one (OpenSearch); it then also rebuilds in chunks. */
  constructor(
    private readonly index: SearchIndex,
    staged?: StagedRebuild<SearchDocument>,
  ) {
    if (staged) {
      this.staged = {
        begin: () => staged.begin(),
        load: (name, books) => staged.load(name, books.map(toSearchDocument)),
        finish: (name) => staged.finish(name),
        abandon: (name) => staged.abandon(name),
      };
    }
  }

  async apply(events: readonly Change[]): Promise<void> {
    // Only the newest image of each book in a batch matters; the index ignores anything older.
    const latest = new Map<string, { upsert: SearchDocument } | { remove: { id: string; version: number } }>();
    for (const e of events) {
      if (e.entity !== 'book') continue;
      if (e.op === 'remove') {
        // A deletion outranks the last version it removed, so a redelivered older upsert cannot revive it.
        const version = (e.oldImage?.version ?? 0) + 1;
        latest.set(e.key, { remove: { id: e.key, version } });
      } else if (e.newImage) {
        latest.set(e.key, { upsert: toSearchDocument(e.newImage) });
      }
    }
    const upserts: SearchDocument[] = [];
    const removes: Array<{ id: string; version: number }> = [];
    for (const action of latest.values()) {
      if ('upsert' in action) upserts.push(action.upsert);
      else removes.push(action.remove);
    }
    if (upserts.length > 0) await this.index.upsert(upserts);
    if (removes.length > 0) await this.index.remove(removes);
  }

  async rebuild(snapshot: Snapshot): Promise<void> {
    await this.index.rebuild(async (write) => {
      let batch: SearchDocument[] = [];
      for await (const book of snapshot.books()) {
        batch.push(toSearchDocument(book));
        if (batch.length >= REBUILD_BATCH) {
          await write(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await write(batch);
    });
  }
}
