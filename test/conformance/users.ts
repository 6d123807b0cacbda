import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/domain/errors.js';
import { ID_PATTERN } from '../../src/domain/ids.js';
import type { Users } from '../../src/ports/users.js';

interface UsersUnderTest {
  users: Users;
  close(): Promise<void>;
}

export function usersConformance(make: () => Promise<UsersUnderTest>): void {
  describe('Users conformance', () => {
    let store: UsersUnderTest;
    let users: Users;
    beforeEach(async () => {
      store = await make();
      users = store.users;
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a user with a lower-case email and version 1, found by id and by email in any case', async () => {
      const user = await users.create({ email: 'Ann.Lee@Example.COM', name: 'Ann Lee', role: 'customer' });
      expect(user).toMatchObject({ email: 'ann.lee@example.com', name: 'Ann Lee', role: 'customer', version: 1 });
      expect(user.id).toMatch(ID_PATTERN);
      expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
      expect(user).not.toHaveProperty('passwordHash');
      expect(await users.get(user.id)).toEqual(user);
      expect(await users.findByEmail('ann.lee@example.com')).toEqual(user);
      expect(await users.findByEmail('ANN.LEE@example.com')).toEqual(user);
      expect(await users.findByEmail('nobody@example.com')).toBeNull();
      expect(await users.get('0000000000zzzzzzzzzzzzzzzz')).toBeNull();
    });

    it('deletes a user with their email claim and credentials, once', async () => {
      const ann = await users.create({ email: 'ann@example.com', name: 'Ann Deleted', role: 'customer', passwordHash: 'scrypt$stand-in' });
      const ben = await users.create({ email: 'ben@example.com', name: 'Ben', role: 'customer' });
      expect(await users.delete(ann.id)).toEqual(ann);
      expect(await users.get(ann.id)).toBeNull();
      expect(await users.findByEmail('ann@example.com')).toBeNull();
      expect(await users.passwordHash(ann.id)).toBeNull();
      expect(await users.search('Ann Deleted', 10)).toEqual([]);
      expect(await users.delete(ann.id)).toBeNull();
      expect(await users.get(ben.id)).toEqual(ben);
      // The email is free for a new account.
      expect((await users.create({ email: 'ann@example.com', name: 'New Ann', role: 'customer' })).id).not.toBe(ann.id);
    });

    it('refuses an email that is taken, whatever its case', async () => {
      await users.create({ email: 'ann@example.com', name: 'Ann', role: 'customer' });
      const attempt = users.create({ email: 'ANN@example.com', name: 'Other Ann', role: 'admin' });
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ code: 'email-taken', field: 'email' });
      expect((await users.findByEmail('ann@example.com'))?.name).toBe('Ann');
    });

    it('keeps password hashes apart from profiles and lets them be replaced', async () => {
      const local = await users.create({ email: 'a@example.com', name: 'A', role: 'customer', passwordHash: 'scrypt$first' });
      const remote = await users.create({ email: 'b@example.com', name: 'B', role: 'customer' });
      expect(await users.passwordHash(local.id)).toBe('scrypt$first');
      expect(await users.passwordHash(remote.id)).toBeNull();
      expect(await users.passwordHash('0000000000zzzzzzzzzzzzzzzz')).toBeNull();
      await users.setPasswordHash(local.id, 'scrypt$second');
      await users.setPasswordHash(remote.id, 'scrypt$third');
      expect(await users.passwordHash(local.id)).toBe('scrypt$second');
      expect(await users.passwordHash(remote.id)).toBe('scrypt$third');
      expect(JSON.stringify(await users.get(local.id))).not.toContain('scrypt');
      expect(await users.get(local.id)).toEqual(local);
    });

    it('reads many users at once, leaving unknown ids out', async () => {
      const a = await users.create({ email: 'a@example.com', name: 'A', role: 'customer' });
      const b = await users.create({ email: 'b@example.com', name: 'B', role: 'admin' });
      const many = await users.getMany([b.id, 'missing', a.id]);
      expect(many.size).toBe(2);
      expect(many.get(a.id)).toEqual(a);
      expect(many.get(b.id)).toEqual(b);
      expect((await users.getMany([])).size).toBe(0);
    });

    it('searches names by substring and emails exactly, case-insensitively, by name', async () => {
      await users.create({ email: 'zed@example.com', name: 'Zed Johnson', role: 'customer' });
      await users.create({ email: 'amy@example.com', name: 'Amy Johns', role: 'customer' });
      await users.create({ email: 'johnny@example.com', name: 'Carl', role: 'customer' });
      await users.create({ email: 'pct@example.com', name: '100% Real_Name', role: 'customer' });
      expect((await users.search('JOHN', 10)).map((u) => u.name)).toEqual(['Amy Johns', 'Zed Johnson']);
      expect((await users.search('Johnny@Example.com', 10)).map((u) => u.name)).toEqual(['Carl']);
      // Only a whole email matches, not part of one.
      expect(await users.search('johnny@', 10)).toEqual([]);
      expect((await users.search('john', 1)).map((u) => u.name)).toEqual(['Amy Johns']);
      // Characters that are wildcards in SQL LIKE match only themselves.
      expect((await users.search('0% r', 10)).map((u) => u.name)).toEqual(['100% Real_Name']);
      expect(await users.search('%', 10)).toHaveLength(1);
      expect(await users.search('r_al', 10)).toEqual([]);
      expect((await users.search('_', 10)).map((u) => u.name)).toEqual(['100% Real_Name']);
    });

    it('changes a role, bumping the version only when it changes', async () => {
      const user = await users.create({ email: 'a@example.com', name: 'A', role: 'customer' });
      const admin = await users.setRole(user.id, 'admin');
      expect(admin).toEqual({ ...user, role: 'admin', version: 2 });
      expect(await users.get(user.id)).toEqual(admin);
      expect(await users.setRole(user.id, 'admin')).toEqual(admin);
      await expect(users.setRole('0000000000zzzzzzzzzzzzzzzz', 'admin')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
