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
