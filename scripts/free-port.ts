import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 at the time of asking, for a process the caller is about to start
 * (servers, engines, emulators in scripts, benchmarks and tests). Another process could take it in
 * between; on loopback in a test run that does not happen in practice.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no TCP address for a free port');
  return address.port;
}
