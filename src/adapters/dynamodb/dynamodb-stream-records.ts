import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { Change, ChangeOp } from '../../domain/change-event.js';
import { bookFromItem } from './dynamodb-catalog.js';
import { cartFromItem } from './dynamodb-carts.js';
import { friendshipFromItem } from './dynamodb-friendships.js';
import type { Item } from './dynamodb-items.js';
import { orderFromItem } from './dynamodb-orders.js';
import { reviewFromItem } from './dynamodb-reviews.js';
import { userFromItem } from './dynamodb-users.js';

const OPS: Record<string, ChangeOp> = { INSERT: 'insert', MODIFY: 'modify', REMOVE: 'remove' };

/**
 * DynamoDB Local (3.3.1) writes an empty map into stream records as `{}`, with no `M`, where DynamoDB
 * writes `{"M":{}}`; an emptied cart has two. Read it as the empty map it is.
 */
function withEmptyMaps(values: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const fixed: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    fixed[name] = Object.keys(value).length === 0 ? { M: {} } : value.M ? { M: withEmptyMaps(value.M) } : value;
  }
  return fixed;
}

function imageOf(image: Record<string, AttributeValue> | undefined): Item | null {
  // Lambda's event and the Streams API share the AttributeValue JSON shape; only the TS types differ.
  return image ? unmarshall(withEmptyMaps(image) as Record<string, SdkAttributeValue>, { wrapNumbers: false }) : null;
}

/**
 * The change a stream record stands for, in the same words the embedded outbox uses, or null for the
 * bookkeeping items (ISBN and e-mail claims, counters, idempotency records, mirrors) that
 * carry no change event (docs/dynamodb.md lists which item types do).
 */
export function changeOfStreamRecord(record: DynamoDBRecord): Change | null {
  const stream = record.dynamodb;
  const op = OPS[record.eventName ?? ''];
  if (!stream || !op) return null;
  const newItem = imageOf(stream.NewImage);
  const oldItem = imageOf(stream.OldImage);
  const type = (newItem ?? oldItem)?.type;
  // Seconds since the epoch (AWS); DynamoDB Local rounds it down to the minute.
  const at = Math.round((stream.ApproximateCreationDateTime ?? 0) * 1000);
  const pick = <T>(from: (item: Item) => T) => ({
    newImage: newItem ? from(newItem) : null,
    oldImage: oldItem ? from(oldItem) : null,
  });
  switch (type) {
    case 'book': {
      const images = pick(bookFromItem);
      return { entity: 'book', key: (images.newImage ?? images.oldImage)!.id, op, ...images, at };
    }
    case 'user': {
      const images = pick(userFromItem);
      return { entity: 'user', key: (images.newImage ?? images.oldImage)!.id, op, ...images, at };
    }
    case 'order': {
      const images = pick(orderFromItem);
      return { entity: 'order', key: (images.newImage ?? images.oldImage)!.id, op, ...images, at };
    }
    case 'friendship': {
      const images = pick(friendshipFromItem);
      const f = (images.newImage ?? images.oldImage)!;
      return { entity: 'friendship', key: `${f.userA}#${f.userB}`, op, ...images, at };
    }
    case 'review': {
      const images = pick(reviewFromItem);
      return { entity: 'review', key: (images.newImage ?? images.oldImage)!.id, op, ...images, at };
    }
    case 'cart': {
      // An emptied cart stays as a tombstone item (see DynamoCarts): in change events, a cart with no
      // lines does not exist, so emptying is a `remove` and filling a tombstone is an `insert`.
      const { newImage, oldImage } = pick(cartFromItem);
      const after = newImage && newImage.lines.length > 0 ? newImage : null;
      const before = oldImage && oldImage.lines.length > 0 ? oldImage : null;
      if (!after && !before) return null;
      const cartOp: ChangeOp = !before ? 'insert' : !after ? 'remove' : 'modify';
      return { entity: 'cart', key: (after ?? before)!.userId, op: cartOp, newImage: after, oldImage: before, at };
    }
    default:
      return null;
  }
}
