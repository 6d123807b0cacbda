import { describe, expect, it } from 'vitest';
import { auditUseCases, type AuditDeps } from '../../src/app/audit.js';
import type { Snapshot } from '../../src/ports/change-feed.js';

async function* none<T>(): AsyncIterable<T> {}

/** A record with no books, users, orders or friendships. */
const emptyRecord: Snapshot = {
  position: 0,
  books: none,
  users: none,
  orders: none,
  friendships: none,
  reviews: none,
  count: async () => 0,
  close: async () => undefined,
};

/**
 * A search index that still holds a deleted book for a moment after the audit's first look, while its
 * projection already says "no lag": a change feed that shows a write to its readers a moment late.
 */
function lateSearchIndex(visibleAfterMs: number): AuditDeps['searchIndex'] {
  const created = Date.now();
  return {
    versions: async () => (Date.now() - created < visibleAfterMs ? new Map([['deleted-book', 3]]) : new Map()),
  } as unknown as AuditDeps['searchIndex'];
}

function deps(searchIndex: AuditDeps['searchIndex']): AuditDeps {
  return {
    snapshots: { open: async () => emptyRecord },
    projections: {
      status: async () => [{ name: 'search', lagEvents: 0, rebuilding: false }],
    } as unknown as AuditDeps['projections'],
    searchIndex,
    bestsellers: {} as AuditDeps['bestsellers'],
    graph: {} as AuditDeps['graph'],
    now: () => new Date(),
  };
}

describe('the drift audit’s second look', () => {
  it('waits past a change the feed had not yet shown, although the projection said it had no lag', async () => {
    const report = await auditUseCases(deps(lateSearchIndex(500))).audit({ stores: ['search'] });
    expect(report.stores[0]).toMatchObject({ store: 'search', drift: 0, remaining: 0 });
  });

  it('looks again until a change that shows later than the least wait has arrived', async () => {
    // The engines soak met a deletion applied about 3 s after the first look, past the 2 s floor.
    const report = await auditUseCases(deps(lateSearchIndex(3_500))).audit({ stores: ['search'] });
    expect(report.stores[0]).toMatchObject({ store: 'search', drift: 0, remaining: 0 });
  });

  it('still reports what differs for good', async () => {
    const report = await auditUseCases(deps(lateSearchIndex(Number.POSITIVE_INFINITY))).audit({ stores: ['search'], settleMs: 100 });
    expect(report.stores[0]).toMatchObject({ store: 'search', drift: 1, differences: [{ key: 'book deleted-book', expected: null, actual: 3 }] });
  });
});
