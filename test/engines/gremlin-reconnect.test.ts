import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GremlinSocialGraph } from '../../src/adapters/gremlin/gremlin-social-graph.js';
import { ReconnectingConnection } from '../../src/adapters/gremlin/reconnecting-connection.js';
import { startHandshakeGate, type HandshakeGate } from '../support/handshake-gate.js';
import { endpoints, uniqueName } from './endpoints.js';

/**
 * A graph whose handshake headers expire, as SigV4 signatures do on Neptune with IAM: a gate in front
 * of the real Gremlin Server admits only the tokens it is told are valid, and the headers function
 * makes a new token (1, 2, 3...) each time it is called.
 */
describe('Gremlin social graph behind a handshake check, as on Neptune with IAM', () => {
  const HEADER = 'x-test-token';
  const target = new URL(endpoints.gremlin);
  let gate: HandshakeGate;
  let url: string;
  let made: number;
  const headers = () => ({ [HEADER]: String(++made) });
  /** The handshakes the gate saw: a token, and whether it refused it. */
  const seen = () => gate.handshakes.map((h) => (h.admitted ? h.token : `${h.token} refused`));
  const untilDropped = (connection: ReconnectingConnection) =>
    // The client learns of the drop when it reads the closed socket, a moment after the gate closed it.
    vi.waitFor(() => expect(connection.isOpen).toBe(false), { timeout: 10_000 });

  beforeEach(async () => {
    gate = await startHandshakeGate({ host: target.hostname, port: Number(target.port) }, HEADER);
    url = `ws://127.0.0.1:${gate.port}${target.pathname}`;
    made = 0;
  });
  afterEach(async () => {
    await gate.close();
  });

  it('reopens a dropped connection with freshly made headers, one handshake for the requests waiting on it', async () => {
    gate.admit('1');
    const connection = new ReconnectingConnection(url, headers);
    const graph = await GremlinSocialGraph.connect({ connection, namespace: uniqueName('reconnect') });
    try {
      await graph.apply([{ kind: 'purchase', userId: 'ann', bookIds: ['a', 'b'] }]);
      expect(await graph.alsoBought('a', 5)).toEqual([{ bookId: 'b', count: 1 }]);
      expect(seen()).toEqual(['1']);

      // Token 1 has expired, and the server drops every connection.
      gate.admit('2');
      await gate.cut();
      await untilDropped(connection);

      const reads = await Promise.all([graph.alsoBought('a', 5), graph.alsoBought('b', 5), graph.friendsWhoBought('ann', 'a', 5)]);
      expect(reads).toEqual([[{ bookId: 'b', count: 1 }], [{ bookId: 'a', count: 1 }], []]);
      await graph.apply([{ kind: 'purchase', userId: 'ben', bookIds: ['a', 'c'] }]);
      expect(await graph.alsoBought('a', 5)).toEqual([
        { bookId: 'b', count: 1 },
        { bookId: 'c', count: 1 },
      ]);
      expect(seen()).toEqual(['1', '2']);
    } finally {
      await graph.destroy();
      await graph.close();
      await connection.close();
    }
  });

  it('fails each request with the refusal while fresh headers are refused, one handshake each, then recovers', async () => {
    gate.admit('1');
    const connection = new ReconnectingConnection(url, headers);
    const graph = await GremlinSocialGraph.connect({ connection, namespace: uniqueName('reconnect') });
    try {
      await graph.apply([{ kind: 'purchase', userId: 'ann', bookIds: ['a', 'b'] }]);

      gate.admit();
      await gate.cut();
      await untilDropped(connection);

      const refused = /could not open a Gremlin connection to ws:\/\/127\.0\.0\.1:\d+\/gremlin with fresh handshake headers: Unexpected server response code 403/;
      await expect(graph.alsoBought('a', 5)).rejects.toThrow(refused);
      await expect(graph.apply([{ kind: 'purchase', userId: 'ben', bookIds: ['a', 'c'] }])).rejects.toThrow(refused);
      await expect(graph.friendsWhoBought('ann', 'a', 5)).rejects.toThrow(refused);
      expect(seen()).toEqual(['1', '2 refused', '3 refused', '4 refused']);
      expect(connection.isOpen).toBe(false);

      gate.admit('5');
      await graph.apply([{ kind: 'purchase', userId: 'ben', bookIds: ['a', 'c'] }]);
      expect(await graph.alsoBought('a', 5)).toEqual([
        { bookId: 'b', count: 1 },
        { bookId: 'c', count: 1 },
      ]);
      expect(seen()).toEqual(['1', '2 refused', '3 refused', '4 refused', '5']);
    } finally {
      await graph.destroy();
      await graph.close();
      await connection.close();
    }
  });

  it('reconnects a graph connected by url and headers function with new headers, never the stale ones', async () => {
    gate.admit('1');
    const graph = await GremlinSocialGraph.connect({ url, headers, namespace: uniqueName('reconnect') });
    try {
      await graph.apply([{ kind: 'purchase', userId: 'ann', bookIds: ['a', 'b'] }]);
      expect(seen()).toEqual(['1']);

      gate.admit('2');
      await gate.cut();
      // The graph's connection is out of sight here: a request sent before the client has read the drop
      // fails (it may have reached the server, so it is not retried); the ones after it reconnect.
      await vi.waitFor(async () => expect(await graph.alsoBought('a', 5)).toEqual([{ bookId: 'b', count: 1 }]), { timeout: 10_000 });
      expect(seen()).toEqual(['1', '2']);
    } finally {
      await graph.destroy();
      await graph.close();
    }
  });

  it('fails to connect with the reason when the headers are refused or cannot be made', async () => {
    const namespace = uniqueName('reconnect');
    await expect(GremlinSocialGraph.connect({ url, headers, namespace })).rejects.toThrow(/with fresh handshake headers: Unexpected server response code 403/);
    expect(gate.handshakes.length).toBeGreaterThan(0);
    expect(gate.handshakes.every((h) => !h.admitted)).toBe(true);
    expect(made).toBe(gate.handshakes.length);

    const before = gate.handshakes.length;
    const unsigned = () => Promise.reject(new Error('no AWS credentials found'));
    await expect(GremlinSocialGraph.connect({ url, headers: unsigned, namespace })).rejects.toThrow(
      `could not make the handshake headers for ${url}: no AWS credentials found`,
    );
    expect(gate.handshakes.length).toBe(before);
  });
});
