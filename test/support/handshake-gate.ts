import { createServer, connect, type Socket } from 'node:net';

export interface Handshake {
  /** The gated header's value, if the request had it. */
  token: string | undefined;
  admitted: boolean;
}

export interface HandshakeGate {
  readonly port: number;
  /** Every handshake so far, in order. */
  readonly handshakes: readonly Handshake[];
  /** From now on, lets through only handshakes with one of these values (none: refuses all). Open connections stay. */
  admit(...tokens: string[]): void;
  /** Destroys every open connection and keeps listening: to clients, the server dropped them. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

const FORBIDDEN_BODY = JSON.stringify({ code: 'AccessDeniedException', detailedMessage: 'Signature expired' });
const FORBIDDEN = [
  'HTTP/1.1 403 Forbidden',
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(FORBIDDEN_BODY)}`,
  'Connection: close',
  '',
  FORBIDDEN_BODY,
].join('\r\n');

/**
 * A TCP forwarder on 127.0.0.1 in front of a WebSocket server that checks one header of each
 * connection's HTTP upgrade request, as Neptune checks a SigV4 signature at the handshake only: an
 * admitted handshake, and everything after it, goes through untouched; any other is answered
 * `403 Forbidden` and never reaches the server.
 */
export async function startHandshakeGate(target: { host: string; port: number }, header: string): Promise<HandshakeGate> {
  const sockets = new Set<Socket>();
  const handshakes: Handshake[] = [];
  let admitted = new Set<string>();

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer((client) => {
    track(client);
    client.once('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const readHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', readHead);
      const token = headerValue(head.toString('latin1', 0, end), header);
      const ok = token !== undefined && admitted.has(token);
      handshakes.push({ token, admitted: ok });
      if (!ok) {
        client.end(FORBIDDEN);
        return;
      }
      const upstream = connect(target.port, target.host);
      track(upstream);
      // Either side failing ends both, as a dead peer would.
      for (const socket of [client, upstream]) {
        socket.once('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', readHead);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the handshake gate has no TCP port');

  const cut = async () => {
    const closing = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    for (const socket of sockets) socket.destroy();
    await Promise.all(closing);
  };

  return {
    port: address.port,
    handshakes,
    admit(...tokens) {
      admitted = new Set(tokens);
    },
    cut,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await cut();
      await closed;
    },
  };
}

function headerValue(head: string, name: string): string | undefined {
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name.toLowerCase()) return line.slice(colon + 1).trim();
  }
  return undefined;
}
