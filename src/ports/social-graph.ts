export interface RankedBook {
  bookId: string;
  /** How many distinct people (friends for recommendations, customers for also-bought) bought it. */
  count: number;
}

/** A change to apply to the graph; each one is idempotent. */
export type GraphChange =
  | { kind: 'user'; userId: string }
  | { kind: 'friendship'; userA: string; userB: string; friends: boolean }
  | {
      kind: 'purchase';
      userId: string;
      bookIds: readonly string[];
      /** False removes the purchases (an audit's repair of edges no order explains); default true. */
      bought?: boolean;
    };

/** What the current graph holds, by raw id: for an audit against the system of record. */
export interface GraphContents {
  /** Every user vertex. */
  users: string[];
  /** Every friendOf edge, one per direction (an accepted friendship is two). */
  friendships: Array<{ from: string; to: string }>;
  /** Every purchased edge. */
  purchases: Array<{ userId: string; bookId: string }>;
}

/**
 * The social graph: `user` and `book` vertices, `friendOf` edges between accepted friends (both
 * directions) and `purchased` edges from a user to each book they bought. Fed only by user, friendship
 * and order events. Rankings break ties by ascending book or user id.
 */
export interface SocialGraph {
  /** Applies changes in order; each is idempotent, so redelivery changes nothing. */
  apply(changes: readonly GraphChange[]): Promise<void>;
  /** Books bought by my friends that I have not bought, by number of friends who bought them. */
  recommendedFor(userId: string, limit: number): Promise<RankedBook[]>;
  /** My friends who bought the book, by user id. */
  friendsWhoBought(userId: string, bookId: string, limit: number): Promise<string[]>;
  /** Other books bought by people who bought this one, by number of such people. */
  alsoBought(bookId: string, limit: number): Promise<RankedBook[]>;
  /** Everything the current graph holds (not other generations'), read in full: for audits, not requests. */
  contents(): Promise<GraphContents>;
  /** Builds a fresh graph from `load`, then swaps it in atomically. */
  rebuild(load: (write: (changes: readonly GraphChange[]) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
