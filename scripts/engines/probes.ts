/**
 * Readiness checks that ask an engine something only that engine can answer, so a port held by some
 * other program never passes for a running engine.
 */
import { connect } from 'node:net';

const PROBE_TIMEOUT_MS = 2000;

export interface HttpAnswer {
  status: number;
  body: string;
}

/** The response, or undefined when nothing answers in time (connection refused, reset, timeout). */
export async function httpRequest(url: string, init: RequestInit = {}): Promise<HttpAnswer | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Writes `request` on a fresh TCP connection and resolves with what came back before `done` was satisfied. */
export function tcpExchange(port: number, request: string, done: (received: string) => boolean, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolveExchange) => {
    let received = '';
    const socket = connect({ port, host });
    const finish = (answer: string | undefined) => {
      socket.destroy();
      resolveExchange(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (done(received)) finish(received);
    });
    socket.once('end', () => finish(received));
  });
}
