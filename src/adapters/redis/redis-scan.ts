/** The slice of one Redis server's connection that finds and drops keys. */
export interface RedisScanNode {
  scan(cursor: string, matchToken: 'MATCH', pattern: string, countToken: 'COUNT', count: number): Promise<[cursor: string, elements: string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/**
 * The slice of an ioredis client that finds and drops keys: a `Redis` (one server) or a `Cluster`,
 * whose keyspace is split over its masters, so each master is scanned on its own.
 */
export interface RedisScanClient extends RedisScanNode {
  readonly isCluster: boolean;
  /** A cluster's connections to its masters (called only when `isCluster`). */
  nodes?(role: 'master'): RedisScanNode[];
}

/** Escapes SCAN's glob characters, so a prefix matches only itself. */
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Drops every key that starts with `prefix`, a SCAN page at a time, so Redis is never blocked for long.
 * On a cluster every master is scanned, and each key is unlinked on its own: UNLINK of several keys
 * must stay within one hash slot, and a page of one master spans many.
 *
 * Not done: keys that move between masters while a cluster reshards can be missed (SCAN walks what a
 * node holds at the time); run it again after a reshard.
 */
export async function unlinkByPrefix(client: RedisScanClient, prefix: string): Promise<void> {
  const pattern = `${globLiteral(prefix)}*`;
  if (!client.isCluster) {
    await unlinkOnNode(client, pattern, (keys) => client.unlink(...keys));
    return;
  }
  if (!client.nodes) throw new Error('a cluster client must list its masters (ioredis Cluster#nodes)');
  for (const node of client.nodes('master')) {
    // Through the cluster client, which routes each key to its slot's master.
    await unlinkOnNode(node, pattern, (keys) => Promise.all(keys.map((key) => client.unlink(key))));
  }
}

async function unlinkOnNode(node: RedisScanNode, pattern: string, unlink: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await unlink(keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Every key that starts with `prefix` (on a cluster, on every master), for maintenance that reads few. */
export async function keysByPrefix(client: RedisScanClient, prefix: string): Promise<string[]> {
  const pattern = `${globLiteral(prefix)}*`;
  const nodes = client.isCluster ? (client.nodes?.('master') ?? []) : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, page] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...page);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
