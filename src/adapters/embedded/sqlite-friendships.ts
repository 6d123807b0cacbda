import { PreconditionFailedError } from '../../domain/errors.js';
import { friendshipKey, friendshipPair, type Friendship } from '../../domain/friendship.js';
import type { Friendships } from '../../ports/friendships.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';

export function friendshipFromDoc(doc: string): Friendship {
  return JSON.parse(doc) as Friendship;
}

/** Only the fields of a friendship, in a fixed order, so stored records compare by their JSON. */
function friendshipOf(f: Friendship): Friendship {
  return {
    userA: f.userA,
    userB: f.userB,
    requestedBy: f.requestedBy,
    status: f.status,
    createdAt: f.createdAt,
    acceptedAt: f.acceptedAt,
    version: f.version,
  };
}

/** Friendships in the system of record, one row per pair keyed by the ordered user ids. */
export class SqliteFriendships implements Friendships {
  private readonly byPair: SqliteStatement<[string, string], { doc: string }>;
  private readonly put: SqliteStatement<[string, string, string]>;
  private readonly deletePair: SqliteStatement<[string, string]>;
  private readonly ofUser: SqliteStatement<[string, string], { doc: string }>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.byPair = db.prepare('SELECT doc FROM friendships WHERE user_a = ? AND user_b = ?');
    this.put = db.prepare(
      'INSERT INTO friendships (user_a, user_b, doc) VALUES (?, ?, ?) ON CONFLICT (user_a, user_b) DO UPDATE SET doc = excluded.doc',
    );
    this.deletePair = db.prepare('DELETE FROM friendships WHERE user_a = ? AND user_b = ?');
    this.ofUser = db.prepare(
      'SELECT doc, user_a, user_b FROM friendships WHERE user_a = ? UNION ALL SELECT doc, user_a, user_b FROM friendships WHERE user_b = ? ORDER BY user_a, user_b',
    );
  }

  async get(x: string, y: string): Promise<Friendship | null> {
    return this.read(x, y);
  }

  async save(friendship: Friendship, expectedVersion: number): Promise<void> {
    const [a, b] = friendshipPair(friendship.userA, friendship.userB);
    const key = friendshipKey(a, b);
    await this.outbox.write(() => {
      const current = this.read(a, b);
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== expectedVersion) throw new PreconditionFailedError('friendship', key, currentVersion);
      const next = friendshipOf(friendship);
      const doc = JSON.stringify(next);
      if (current && JSON.stringify(friendshipOf(current)) === doc) return;
      this.put.run(a, b, doc);
      this.outbox.append({ entity: 'friendship', key, op: current ? 'modify' : 'insert', newImage: next, oldImage: current });
    });
  }

  async remove(x: string, y: string): Promise<boolean> {
    const [a, b] = friendshipPair(x, y);
    return this.outbox.write(() => {
      const current = this.read(a, b);
      if (!current) return false;
      this.deletePair.run(a, b);
      this.outbox.append({ entity: 'friendship', key: friendshipKey(a, b), op: 'remove', newImage: null, oldImage: current });
      return true;
    });
  }

  async listFor(userId: string): Promise<Friendship[]> {
    return this.ofUser.all(userId, userId).map((r) => friendshipFromDoc(r.doc));
  }

  private read(x: string, y: string): Friendship | null {
    const [a, b] = friendshipPair(x, y);
    const row = this.byPair.get(a, b);
    return row ? friendshipFromDoc(row.doc) : null;
  }
}
