import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port clients connect to; it stays the same across down() and up(). */
  readonly port: number;
  /** Connections accepted so far, so a test can tell its client really goes through the proxy. */
  readonly accepted: number;
  /** The first bytes (up to 4 KiB, as latin1 text) each client sent: request lines and headers. */
  readonly heads: readonly string[];
  /** Stops listening and destroys every open connection: to clients, the engine is gone. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /**
   * Holds every byte in both directions while connections stay open: to clients, the engine hangs
   * (a frozen process, a host that vanished without resetting its connections). Nothing is lost.
   */
  stall(): void;
  /** Lets the held bytes through, and what follows. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 in front of a real engine, which a test can take down and bring back
 * without touching the engine itself (shared by every test file). Down means what a crashed or
 * unreachable server means to a client: open sockets reset, new connections refused.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const heads: string[] = [];
  let stalled = false;
  let server: Server | null = null;
  let port = 0;

  // By hand rather than pipe(): pipe() resumes a source on 'drain', which would undo a stall.
  const flow = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!stalled) from.resume();
    });
    from.on('end', () => to.end());
  };

  const forward = (client: Socket) => {
    accepted += 1;
    const head = heads.push('') - 1;
    client.on('data', (chunk: Buffer) => {
      if (heads[head]!.length < 4096) heads[head] += chunk.toString('latin1', 0, Math.min(chunk.length, 4096 - heads[head]!.length));
    });
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      if (stalled) socket.pause();
      socket.once('close', () => sockets.delete(socket));
      // Either side failing ends both, as a dead peer would.
      socket.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    flow(client, upstream);
    flow(upstream, client);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(forward);
      next.once('error', reject);
      next.listen({ host: '127.0.0.1', port }, () => {
        next.off('error', reject);
        server = next;
        const address = next.address();
        if (address && typeof address !== 'string') port = address.port;
        resolve();
      });
    });

  const stop = async () => {
    const current = server;
    server = null;
    if (current) {
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    }
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get heads() {
      return heads;
    },
    get accepted() {
      return accepted;
    },
    down: stop,
    async up() {
      if (server === null) await listen();
    },
    stall() {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume() {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close: stop,
  };
}
