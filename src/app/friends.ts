import { NotFoundError, ValidationError, type FieldIssue } from '../domain/errors.js';
import { cleanText, TEXT } from '../domain/text.js';
import { otherParty, requestFriendship, type Friendship } from '../domain/friendship.js';
import { toPublicUser, type PublicUser } from '../domain/user.js';
import type { Friendships } from '../ports/friendships.js';
import type { Users } from '../ports/users.js';
import { retryOnConflict } from './retry.js';

export interface FriendDeps {
  friendships: Friendships;
  users: Users;
  now(): Date;
}

export interface Acquaintance extends PublicUser {
  /** When the friendship was accepted, or when the request was made. */
  since: string;
}

export interface FriendList {
  friends: Acquaintance[];
  /** Requests others sent me. */
  incoming: Acquaintance[];
  /** Requests I sent. */
  outgoing: Acquaintance[];
}

export const PEOPLE_SEARCH_LIMITS = { queryMax: 100, results: 20 } as const;
export const PEOPLE_SEARCH_TEXT = TEXT.line(PEOPLE_SEARCH_LIMITS.queryMax);

function byName(a: Acquaintance, b: Acquaintance): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1);
}

export function friendUseCases({ friendships, users, now }: FriendDeps) {
  return {
    async list(me: string): Promise<FriendList> {
      const all = await friendships.listFor(me);
      const people = await users.getMany(all.map((f) => otherParty(f, me)));
      const list: FriendList = { friends: [], incoming: [], outgoing: [] };
      for (const f of all) {
        const other = people.get(otherParty(f, me));
        if (!other) continue;
        const entry = (since: string): Acquaintance => ({ ...toPublicUser(other), since });
        if (f.status === 'accepted') list.friends.push(entry(f.acceptedAt ?? f.createdAt));
        else if (f.requestedBy === me) list.outgoing.push(entry(f.createdAt));
        else list.incoming.push(entry(f.createdAt));
      }
      list.friends.sort(byName);
      list.incoming.sort(byName);
      list.outgoing.sort(byName);
      return list;
    },

    /**
     * Asks `them` to be friends, or accepts their pending request. Asking again changes nothing, so
     * the call is idempotent; the answer says where the friendship stands.
     */
    async request(me: string, them: string): Promise<{ status: Friendship['status'] }> {
      if (me !== them && !(await users.get(them))) throw new NotFoundError('user', them);
      return retryOnConflict(async () => {
        const existing = await friendships.get(me, them);
        const next = requestFriendship(existing, me, them, now().toISOString());
        if (!next) return { status: existing!.status };
        await friendships.save(next, existing?.version ?? 0);
        return { status: next.status };
      });
    },

    /** Unfriends, cancels my request or declines theirs; nothing to remove is not an error. */
    async remove(me: string, them: string): Promise<void> {
      await friendships.remove(me, them);
    },

    /** People by name (or exact email), as public profiles only: emails are never shown to others. */
    async findPeople(me: string, query: string): Promise<PublicUser[]> {
      const issues: FieldIssue[] = [];
      const q = cleanText(query, 'q', PEOPLE_SEARCH_TEXT, issues);
      if (q === null) throw new ValidationError(issues);
      const found = await users.search(q, PEOPLE_SEARCH_LIMITS.results + 1);
      return found.filter((u) => u.id !== me).slice(0, PEOPLE_SEARCH_LIMITS.results).map(toPublicUser);
    },
  };
}
