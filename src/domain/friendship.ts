import { ValidationError } from './errors.js';

/**
 * Friendship needs both people's consent: one asks (pending), the other asks back (accepted).
 * Only accepted friendships let friends see each other's purchases in recommendations.
 */
export interface Friendship {
  /** The two user ids in ascending order, so a pair has one key whichever side acts. */
  userA: string;
  userB: string;
  requestedBy: string;
  status: 'pending' | 'accepted';
  createdAt: string;
  acceptedAt: string | null;
  version: number;
}

export function friendshipPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

export function friendshipKey(x: string, y: string): string {
  const [a, b] = friendshipPair(x, y);
  return `${a}#${b}`;
}

export function otherParty(f: Pick<Friendship, 'userA' | 'userB'>, me: string): string {
  return f.userA === me ? f.userB : f.userA;
}

/**
 * What `me` asking to befriend `them` does: starts a request, accepts theirs, or changes nothing
 * (asking twice, or already friends). Returns null when nothing changes.
 */
export function requestFriendship(existing: Friendship | null, me: string, them: string, now: string): Friendship | null {
  if (me === them) throw new ValidationError({ field: 'userId', detail: 'you cannot befriend yourself' });
  if (!existing) {
    const [userA, userB] = friendshipPair(me, them);
    return { userA, userB, requestedBy: me, status: 'pending', createdAt: now, acceptedAt: null, version: 1 };
  }
  if (existing.status === 'pending' && existing.requestedBy !== me) {
    return { ...existing, status: 'accepted', acceptedAt: now, version: existing.version + 1 };
  }
  return null;
}
