import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreconditionFailedError } from '../../src/domain/errors.js';
import { requestFriendship, type Friendship } from '../../src/domain/friendship.js';
import type { Friendships } from '../../src/ports/friendships.js';

interface FriendshipsUnderTest {
  friendships: Friendships;
  close(): Promise<void>;
}

const ALICE = '01aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = '01bbbbbbbbbbbbbbbbbbbbbbbb';
const CARL = '01cccccccccccccccccccccccc';
const NOW = '2025-03-01T12:00:00.000Z';

function request(me: string, them: string, existing: Friendship | null = null): Friendship {
  return requestFriendship(existing, me, them, NOW)!;
}

function byPair(a: Friendship, b: Friendship): number {
  const ka = `${a.userA}#${a.userB}`;
  const kb = `${b.userA}#${b.userB}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function friendshipsConformance(make: () => Promise<FriendshipsUnderTest>): void {
  describe('Friendships conformance', () => {
    let store: FriendshipsUnderTest;
    let friendships: Friendships;
    beforeEach(async () => {
      store = await make();
      friendships = store.friendships;
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a new pair once, found from either side', async () => {
      expect(await friendships.get(ALICE, BOB)).toBeNull();
      const pending = request(BOB, ALICE);
      await friendships.save(pending, 0);
      expect(await friendships.get(ALICE, BOB)).toEqual(pending);
      expect(await friendships.get(BOB, ALICE)).toEqual(pending);
      expect(await friendships.listFor(ALICE)).toEqual([pending]);
      expect(await friendships.listFor(BOB)).toEqual([pending]);
      expect(await friendships.listFor(CARL)).toEqual([]);
    });

    it('saves only over the expected version, naming the current one otherwise', async () => {
      const pending = request(ALICE, BOB);
      await friendships.save(pending, 0);
      const twice = friendships.save(request(BOB, ALICE), 0);
      await expect(twice).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(twice).rejects.toMatchObject({ currentVersion: 1 });
      const accepted = request(BOB, ALICE, pending);
      await expect(friendships.save(accepted, 2)).rejects.toMatchObject({ currentVersion: 1 });
      await friendships.save(accepted, 1);
      expect(await friendships.get(BOB, ALICE)).toEqual(accepted);
      expect(accepted).toMatchObject({ status: 'accepted', acceptedAt: NOW, version: 2 });
      await expect(friendships.save(request(CARL, ALICE), 1)).rejects.toMatchObject({ currentVersion: 0 });
    });

    it('removes a pair, answering false when there is none', async () => {
      await friendships.save(request(ALICE, BOB), 0);
      expect(await friendships.remove(BOB, ALICE)).toBe(true);
      expect(await friendships.get(ALICE, BOB)).toBeNull();
      expect(await friendships.listFor(ALICE)).toEqual([]);
      expect(await friendships.remove(ALICE, BOB)).toBe(false);
      // The pair can start over.
      await friendships.save(request(BOB, ALICE), 0);
      expect((await friendships.get(ALICE, BOB))?.requestedBy).toBe(BOB);
    });

    it("lists every pending and accepted pair a user is part of, and only those", async () => {
      const ab = request(ALICE, BOB);
      const cb = request(CARL, BOB);
      const ac = request(ALICE, CARL);
      for (const f of [ab, cb, ac]) await friendships.save(f, 0);
      const acAccepted = request(CARL, ALICE, ac);
      await friendships.save(acAccepted, 1);
      expect([...(await friendships.listFor(BOB))].sort(byPair)).toEqual([ab, cb].sort(byPair));
      expect([...(await friendships.listFor(ALICE))].sort(byPair)).toEqual([ab, acAccepted].sort(byPair));
      expect([...(await friendships.listFor(CARL))].sort(byPair)).toEqual([cb, acAccepted].sort(byPair));
    });
  });
}
