import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { normalizeEmail, type Role, type User } from '../../domain/user.js';
import type { NewUser, Users } from '../../ports/users.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import type { Outbox } from './sqlite-outbox.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
  version: number;
}

export function userFromRow(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at, version: row.version };
}

const USER_COLUMNS = 'id, email, name, role, created_at, version';

/**
 * Users in the system of record. Password hashes live in a separate `credentials` table, so no
 * query that builds a user (or a user change event) can ever pick one up.
 */
export class SqliteUsers implements Users {
  private readonly byId: SqliteStatement<[string], UserRow>;
  private readonly byEmail: SqliteStatement<[string], UserRow>;
  private readonly manyById: SqliteStatement<[string], UserRow>;
  private readonly insertUser: SqliteStatement<[string, string, string, string, string, string, number]>;
  private readonly updateRole: SqliteStatement<[string, number, string]>;
  private readonly hashOf: SqliteStatement<[string], { password_hash: string }>;
  private readonly putHash: SqliteStatement<[string, string]>;
  private readonly searchStmt: SqliteStatement<[string, string, number], UserRow>;
  private readonly deleteUser: SqliteStatement<[string]>;
  private readonly deleteHash: SqliteStatement<[string]>;

  constructor(
    db: SqliteDatabase,
    private readonly outbox: Outbox,
  ) {
    this.byId = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
    this.byEmail = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE email = ?`);
    this.manyById = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))`);
    this.insertUser = db.prepare('INSERT INTO users (id, email, name, name_key, role, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.updateRole = db.prepare('UPDATE users SET role = ?, version = ? WHERE id = ?');
    this.hashOf = db.prepare('SELECT password_hash FROM credentials WHERE user_id = ?');
    this.putHash = db.prepare(
      'INSERT INTO credentials (user_id, password_hash) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash',
    );
    // instr() on a lower-cased copy of the name: a substring match with no LIKE wildcards to escape,
    // and case folding that covers more than ASCII.
    this.deleteUser = db.prepare('DELETE FROM users WHERE id = ?');
    this.deleteHash = db.prepare('DELETE FROM credentials WHERE user_id = ?');
    this.searchStmt = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE instr(name_key, ?) > 0 OR email = ? ORDER BY name_key, id LIMIT ?`);
  }

  async create(user: NewUser): Promise<User> {
    return this.outbox.write(() => {
      const email = normalizeEmail(user.email);
      if (this.byEmail.get(email)) throw new ConflictError('email-taken', 'an account with this email already exists', 'email');
      const created: User = { id: newId(), email, name: user.name, role: user.role, createdAt: new Date().toISOString(), version: 1 };
      this.insertUser.run(created.id, created.email, created.name, created.name.toLowerCase(), created.role, created.createdAt, created.version);
      if (user.passwordHash !== undefined) this.putHash.run(created.id, user.passwordHash);
      this.outbox.append({ entity: 'user', key: created.id, op: 'insert', newImage: created, oldImage: null });
      return created;
    });
  }

  async get(id: string): Promise<User | null> {
    const row = this.byId.get(id);
    return row ? userFromRow(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, User>> {
    const found = new Map<string, User>();
    if (ids.length === 0) return found;
    for (const row of this.manyById.all(JSON.stringify(ids))) found.set(row.id, userFromRow(row));
    return found;
  }

  async findByEmail(email: string): Promise<User | null> {
    const row = this.byEmail.get(normalizeEmail(email));
    return row ? userFromRow(row) : null;
  }

  async passwordHash(userId: string): Promise<string | null> {
    return this.hashOf.get(userId)?.password_hash ?? null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    // Credentials are not part of the feed, so this is a plain transaction with no event.
    await this.outbox.write(() => {
      if (!this.byId.get(userId)) throw new NotFoundError('user', userId);
      this.putHash.run(userId, passwordHash);
    });
  }

  async search(query: string, limit: number): Promise<User[]> {
    return this.searchStmt.all(query.toLowerCase(), normalizeEmail(query), limit).map(userFromRow);
  }

  async delete(userId: string): Promise<User | null> {
    return this.outbox.write(() => {
      const row = this.byId.get(userId);
      if (!row) return null;
      const deleted = userFromRow(row);
      // The foreign key cascades too; deleting the hash by name keeps this true of any connection's pragmas.
      this.deleteHash.run(userId);
      this.deleteUser.run(userId);
      this.outbox.append({ entity: 'user', key: userId, op: 'remove', newImage: null, oldImage: deleted });
      return deleted;
    });
  }

  async setRole(userId: string, role: Role): Promise<User> {
    return this.outbox.write(() => {
      const row = this.byId.get(userId);
      if (!row) throw new NotFoundError('user', userId);
      const current = userFromRow(row);
      if (current.role === role) return current;
      const updated: User = { ...current, role, version: current.version + 1 };
      this.updateRole.run(role, updated.version, userId);
      this.outbox.append({ entity: 'user', key: userId, op: 'modify', newImage: updated, oldImage: current });
      return updated;
    });
  }
}
