import { isAnonymisedOrder } from '../domain/account-deletion.js';
import type { Change } from '../domain/change-event.js';
import type { Friendship } from '../domain/friendship.js';
import type { Order } from '../domain/order.js';
import type { Review } from '../domain/review.js';
import type { Snapshot } from '../ports/change-feed.js';
import type { GraphChange, SocialGraph } from '../ports/social-graph.js';
import type { Projection } from './projection.js';

const REBUILD_BATCH = 1000;

function friendshipChange(f: Friendship, friends: boolean): GraphChange {
  return { kind: 'friendship', userA: f.userA, userB: f.userB, friends };
}

function purchaseChange(order: Order): GraphChange {
  return { kind: 'purchase', userId: order.userId, bookIds: [...new Set(order.lines.map((l) => l.bookId))] };
}

/** A review as the graph sees it: a rated edge while the review exists and is visible. */
function ratingChange(review: Review, current: Review | null): GraphChange {
  return { kind: 'rating', userId: review.userId, bookId: review.bookId, stars: current && !current.hidden ? current.rating : null };
}

/** Maintains users, accepted friendships, purchases and ratings in the social graph. */
export class GraphProjection implements Projection {
  readonly name = 'graph' as const;
  readonly entities = ['user', 'friendship', 'order', 'review'] as const;
  readonly sources = ['users', 'friendships', 'orders', 'reviews'] as const;

  constructor(private readonly graph: SocialGraph) {}

  async apply(events: readonly Change[]): Promise<void> {
    const changes: GraphChange[] = [];
    for (const e of events) {
      switch (e.entity) {
        case 'user':
          if (e.op === 'insert' && e.newImage) changes.push({ kind: 'user', userId: e.newImage.id });
          // A deleted account takes its vertex and every edge with it (friends, purchases, ratings).
          else if (e.op === 'remove') changes.push({ kind: 'forget-user', userId: e.key });
          break;
        case 'friendship': {
          // Only accepted friendships become edges; a pending request or a removal means no edge.
          const image = e.newImage ?? e.oldImage;
          if (image) changes.push(friendshipChange(image, e.newImage?.status === 'accepted'));
          break;
        }
        case 'order':
          // An order kept after its customer deleted the account is nobody's purchase (on DynamoDB its
          // move to the pseudonym's key arrives as an insert).
          if (e.op === 'insert' && e.newImage && !isAnonymisedOrder(e.newImage)) changes.push(purchaseChange(e.newImage));
          break;
        case 'review': {
          const image = e.newImage ?? e.oldImage;
          if (image) changes.push(ratingChange(image, e.newImage));
          break;
        }
        default:
          break;
      }
    }
    if (changes.length > 0) await this.graph.apply(changes);
  }

  async rebuild(snapshot: Snapshot): Promise<void> {
    await this.graph.rebuild(async (write) => {
      let batch: GraphChange[] = [];
      const flush = async () => {
        if (batch.length > 0) await write(batch);
        batch = [];
      };
      const push = async (c: GraphChange) => {
        batch.push(c);
        if (batch.length >= REBUILD_BATCH) await flush();
      };
      for await (const u of snapshot.users()) await push({ kind: 'user', userId: u.id });
      for await (const f of snapshot.friendships()) if (f.status === 'accepted') await push(friendshipChange(f, true));
      for await (const o of snapshot.orders()) if (!isAnonymisedOrder(o)) await push(purchaseChange(o));
      for await (const r of snapshot.reviews()) if (!r.hidden) await push(ratingChange(r, r));
      await flush();
    });
  }
}
