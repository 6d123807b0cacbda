import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { friendshipKey, friendshipPair, otherParty, requestFriendship } from '../../src/domain/friendship.js';

const t1 = '2025-01-01T00:00:00.000Z';
const t2 = '2025-01-02T00:00:00.000Z';

describe('friendships', () => {
  it('key a pair the same way whichever side acts', () => {
    expect(friendshipPair('zed', 'amy')).toEqual(['amy', 'zed']);
    expect(friendshipKey('zed', 'amy')).toBe(friendshipKey('amy', 'zed'));
    expect(otherParty({ userA: 'amy', userB: 'zed' }, 'zed')).toBe('amy');
  });

  it('start as a pending request by the asker', () => {
    expect(requestFriendship(null, 'zed', 'amy', t1)).toEqual({
      userA: 'amy',
      userB: 'zed',
      requestedBy: 'zed',
      status: 'pending',
      createdAt: t1,
      acceptedAt: null,
      version: 1,
    });
  });

  it('are accepted when the other side asks back', () => {
    const pending = requestFriendship(null, 'zed', 'amy', t1)!;
    const accepted = requestFriendship(pending, 'amy', 'zed', t2);
    expect(accepted).toEqual({ ...pending, status: 'accepted', acceptedAt: t2, version: 2 });
  });

  it('do not change when asked twice or when already friends', () => {
    const pending = requestFriendship(null, 'zed', 'amy', t1)!;
    expect(requestFriendship(pending, 'zed', 'amy', t2)).toBeNull();
    const accepted = requestFriendship(pending, 'amy', 'zed', t2)!;
    expect(requestFriendship(accepted, 'amy', 'zed', t2)).toBeNull();
    expect(requestFriendship(accepted, 'zed', 'amy', t2)).toBeNull();
  });

  it('cannot be with yourself', () => {
    expect(() => requestFriendship(null, 'amy', 'amy', t1)).toThrow(ValidationError);
  });
});
