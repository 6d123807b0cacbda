import gremlin from 'gremlin';
import { describe, expect, it } from 'vitest';
import { GremlinSocialGraph } from '../../src/adapters/gremlin/gremlin-social-graph.js';
import { socialGraphConformance } from '../conformance/social-graph.js';
import { endpoints, uniqueName } from './endpoints.js';

/** Each test gets its own namespace on the shared server, and deletes it afterwards. */
socialGraphConformance(async () => {
  const graph = await GremlinSocialGraph.connect({ url: endpoints.gremlin, namespace: uniqueName('social') });
  return {
    graph,
    close: async () => {
      try {
        await graph.destroy();
      } finally {
        await graph.close();
      }
    },
  };
});

/** What the port cannot express: several processes share one namespace, over connections they own or lend. */
describe('Gremlin social graph shared by two handles on one namespace', () => {
  it('sees the other handle’s rebuild and writes, and leaves a lent connection open on close', async () => {
    const namespace = uniqueName('social-shared');
    const lent = new gremlin.driver.DriverRemoteConnection(endpoints.gremlin);
    const rebuilder = await GremlinSocialGraph.connect({ url: endpoints.gremlin, namespace });
    const reader = await GremlinSocialGraph.connect({ connection: lent, namespace });
    try {
      await reader.apply([{ kind: 'purchase', userId: 'user-a', bookIds: ['book-old', 'book-x'] }]);
      await rebuilder.rebuild((write) => write([{ kind: 'purchase', userId: 'user-a', bookIds: ['book-new', 'book-x'] }]));

      expect(await reader.alsoBought('book-x', 10)).toEqual([{ bookId: 'book-new', count: 1 }]);
      await reader.apply([{ kind: 'purchase', userId: 'user-b', bookIds: ['book-new', 'book-x'] }]);
      expect(await rebuilder.alsoBought('book-x', 10)).toEqual([{ bookId: 'book-new', count: 2 }]);

      await reader.close();
      expect(await rebuilder.alsoBought('book-new', 10)).toEqual([{ bookId: 'book-x', count: 2 }]);
      expect(lent.isOpen).toBe(true);
    } finally {
      await rebuilder.destroy();
      await rebuilder.close();
      await lent.close();
    }
  });
});

/**
 * Issue 13, finding 9: a server's poller and a CLI's catch-up write the same vertices, edges and
 * checkpoint at once. Gremlin Server runs TinkerTransactionGraph for this (plain TinkerGraph broke
 * with ArrayIndexOutOfBoundsException); the later of two conflicting writes is sent again.
 */
describe('Gremlin social graph with concurrent writers', () => {
  it('takes overlapping writes from four handles at once and ends with every purchase once', async () => {
    const namespace = uniqueName('social-concurrent');
    const handles = await Promise.all(Array.from({ length: 4 }, () => GremlinSocialGraph.connect({ url: endpoints.gremlin, namespace })));
    const checkpoints = handles.map((h) => h.streamCheckpoints());
    try {
      // Every handle writes the same users and books (shared vertices), in many small requests.
      await Promise.all(
        handles.map(async (graph, h) => {
          for (let round = 0; round < 15; round++) {
            await graph.apply([
              { kind: 'purchase', userId: `buyer-${round % 5}`, bookIds: ['book-shared', `book-${round % 3}`] },
              { kind: 'friendship', userA: `buyer-${round % 5}`, userB: `buyer-${(round + 1) % 5}`, friends: true },
            ]);
            await checkpoints[h]!.recordError('graph', round % 2 === 0 ? null : `round ${round}`);
          }
        }),
      );
      const [reader] = handles;
      // Each of the five buyers bought every book once, however many handles wrote the purchase.
      expect(await reader!.alsoBought('book-0', 10)).toEqual([
        { bookId: 'book-1', count: 5 },
        { bookId: 'book-2', count: 5 },
        { bookId: 'book-shared', count: 5 },
      ]);
      const shared = await reader!.alsoBought('book-shared', 10);
      expect(shared.map((r) => r.bookId).sort()).toEqual(['book-0', 'book-1', 'book-2']);
      expect(shared.reduce((sum, r) => sum + r.count, 0)).toBe(15);
      expect(await reader!.friendsWhoBought('buyer-0', 'book-shared', 10)).toEqual(['buyer-1', 'buyer-4']);
    } finally {
      await handles[0]!.destroy();
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
