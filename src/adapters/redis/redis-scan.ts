/** The slice of an ioredis client that finds and drops keys. */
export interface RedisScanClient {
  scan(cursor: string, matchToken: 'MATCH', pattern: string, countToken: 'COUNT', count: number): Promise<[cursor: string, elements: string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/** Escapes SCAN's glob characters, so a prefix matches only itself. */
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Drops every key that starts with `prefix`, a SCAN page at a time, so Redis is never blocked for long. */
export async function unlinkByPrefix(client: RedisScanClient, prefix: string): Promise<void> {
  const pattern = `${globLiteral(prefix)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
