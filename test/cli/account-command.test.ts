import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAccountDelete } from '../../src/cli/account-command.js';
import { openStore } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import { friendshipPair } from '../../src/domain/friendship.js';
import { runCli } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

/** `bookstore account delete`: the operator's deletion over a real embedded store. */
describe('bookstore account delete', () => {
  const dir = tempDir('bookstore-account-cli-');
  let config: Config;
  let userId = '';

  beforeAll(async () => {
    config = loadConfig({ BOOKSTORE_DATA_DIR: dir.path, BOOKSTORE_SCRYPT_COST: '16384' });
    const store = await openStore(config);
    try {
      const book = await store.catalog.create({
        isbn: '9780141439662', title: 'Sense and Sensibility', authors: ['Jane Austen'], category: 'Romance',
        description: 'Two sisters.', price: 999, currency: 'USD', coverUrl: null, rating: 4, year: 1811,
      });
      const user = await store.identity.signUp({ email: 'leaving@example.com', password: 'correct horse battery', name: 'Leaving Reader' });
      const friend = await store.identity.signUp({ email: 'staying@example.com', password: 'correct horse battery', name: 'Staying Reader' });
      userId = user.id;
      const [userA, userB] = friendshipPair(user.id, friend.id);
      const at = new Date().toISOString();
      await store.friendships.save({ userA, userB, requestedBy: user.id, status: 'accepted', createdAt: at, acceptedAt: at, version: 1 }, 0);
      await store.carts.setLine(user.id, book.id, 2, at);
    } finally {
      await store.close();
    }
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    dir.remove();
  });

  it('asks for --yes before deleting anything (exit 2)', () => {
    const result = runCli(dir.path, ['account', 'delete', 'leaving@example.com']);
    expect(result.stderr).toContain('run it again with --yes');
    expect(result.status).toBe(2);
  });

  it('deletes the account with its credentials, cart and friendships, then says there is none (exit 1)', async () => {
    const before = await openStore(config);
    try {
      expect(await before.users.findByEmail('leaving@example.com')).not.toBeNull();
      expect(await before.friendships.listFor(userId)).toHaveLength(1);
    } finally {
      await before.close();
    }

    expect(await runAccountDelete(config, 'Leaving@Example.com')).toBe(0);

    const after = await openStore(config);
    try {
      expect(await after.users.findByEmail('leaving@example.com')).toBeNull();
      expect(await after.users.get(userId)).toBeNull();
      expect(await after.friendships.listFor(userId)).toEqual([]);
      expect((await after.carts.get(userId)).lines).toEqual([]);
      await expect(after.identity.signIn('leaving@example.com', 'correct horse battery')).rejects.toThrow();
      expect(await after.users.findByEmail('staying@example.com')).not.toBeNull();
    } finally {
      await after.close();
    }
    expect(await runAccountDelete(config, 'leaving@example.com')).toBe(1);
  });
});
