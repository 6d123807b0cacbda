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
    }
  /** The user's visible rating of the book, in stars; null when they have none (removed or hidden). */
  | { kind: 'rating'; userId: string; bookId: string; stars: number | null }
  /** The account was deleted: its vertex and every edge in or out of it go. */
  | { kind: 'forget-user'; userId: string };

/** What the current graph holds, by raw id: for an audit against the system of record. */
export interface GraphContents {
  /** Every user vertex. */
  users: string[];
  /** Every friendOf edge, one per direction (an accepted friendship is two). */
  friendships: Array<{ from: string; to: string }>;
  /** Every purchased edge. */
  purchases: Array<{ userId: string; bookId: string }>;
}

/** Stars from which a rating counts as liking the book. */
export const LIKED_STARS = 4;

/** A book liked by people who liked one of mine (`viaBookId`): `count` such people. */
export interface LikedWith {
  bookId: string;
  viaBookId: string;
  count: number;
}

/** What a user did with books: bought them, rated them. */
export interface Interactions {
  /** Books bought, by id. */
  purchased: string[];
  /** Visible ratings, by book id. */
  rated: Array<{ bookId: string; stars: number }>;
}

/**
 * The social graph: `user` and `book` vertices, `friendOf` edges between accepted friends (both
 * directions), `purchased` edges from a user to each book they bought and `rated` edges (with a
 * `stars` property) to each book they rated. Fed only by user, friendship, order and review events.
 * Rankings break ties by ascending book or user id.
 */
export interface SocialGraph {
  /** Applies changes in order; each is idempotent, so redelivery changes nothing. */
  apply(changes: readonly GraphChange[]): Promise<void>;
  /** Books bought by my friends that I have not bought, by number of friends who bought them. */
  recommendedFor(userId: string, limit: number): Promise<RankedBook[]>;
  /** My friends who bought the book, by user id. */
  friendsWhoBought(userId: string, bookId: string, limit: number): Promise<string[]>;
  /**
   * Books liked (rated {@link LIKED_STARS} or more) by other people who liked a book I liked, that I
   * neither bought nor rated: one row per (book, my liked book) with the number of such people, most
   * first, then by book id and my book's id; at most `limit` rows.
   */
  likedWith(userId: string, limit: number): Promise<LikedWith[]>;
  /** The books I bought and my visible ratings, each by book id. */
  interactionsOf(userId: string): Promise<Interactions>;
  /** Other books bought by people who bought this one, by number of such people. */
  alsoBought(bookId: string, limit: number): Promise<RankedBook[]>;
  /** Everything the current graph holds (not other generations'), read in full: for audits, not requests. */
  contents(): Promise<GraphContents>;
  /** Builds a fresh graph from `load`, then swaps it in atomically. */
  rebuild(load: (write: (changes: readonly GraphChange[]) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
