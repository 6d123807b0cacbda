import type { Redis } from 'ioredis';

/**
 * A stand-in for ElastiCache IAM tokens on a real redis-server: each call makes a new password for
 * `user` and, before handing it out, sets the ACL of every given server so that only this newest one
 * works (connections already signed in stay signed in, as with ElastiCache).
 */
export function rotatingPassword(servers: Redis[], user: string) {
  const handedOut: string[] = [];
  return {
    handedOut,
    async password(): Promise<string> {
      const password = `pw-${handedOut.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
      for (const server of servers) await server.call('ACL', 'SETUSER', user, 'on', 'resetpass', `>${password}`, '~*', '&*', '+@all');
      handedOut.push(password);
      return password;
    },
  };
}

/** Runs `attempt` until it succeeds, for up to `seconds`; the last failure is thrown after that. */
export async function eventually<T>(attempt: () => Promise<T>, seconds = 15): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** How many AUTH commands a server has run, and how many of them it refused. */
export async function authCounts(server: Redis): Promise<{ calls: number; failed: number }> {
  const stats = (await server.info('commandstats')) as string;
  const line = /cmdstat_auth:([^\r\n]*)/.exec(stats)?.[1] ?? '';
  const field = (name: string) => Number(new RegExp(`(?:^|,)${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return { calls: field('calls'), failed: field('failed_calls') };
}
