import type { Book } from '../domain/book.js';
import { NotFoundError } from '../domain/errors.js';
import { toPublicUser, type PublicUser } from '../domain/user.js';
import type { BestsellerBoard } from '../ports/bestseller-board.js';
import type { Catalog } from '../ports/catalog.js';
import { LIKED_STARS, type Interactions, type SocialGraph } from '../ports/social-graph.js';
import type { Users } from '../ports/users.js';
import { readDerived } from './derived.js';

export interface RecommendationDeps {
  graph: SocialGraph;
  catalog: Catalog;
  users: Users;
  bestsellers: BestsellerBoard;
  now: () => Date;
}

export const RECOMMENDATION_LIMITS = {
  forUser: 20,
  friendsWhoBought: 20,
  alsoBought: 10,
  /** Rows of (book, my liked book) read from the graph; a book shows under the best of its rows. */
  likedWith: 100,
  /** Categories of my own books whose best sellers are offered. */
  topCategories: 2,
  /** Best sellers read per category before dropping mine. */
  perCategory: 40,
} as const;

/** Why a book is on my shelf, most personal first. */
export type RecommendationReason =
  | { kind: 'friends'; friendCount: number }
  | { kind: 'similar-taste'; viaBook: Pick<Book, 'id' | 'title'>; stars: number; people: number }
  | { kind: 'author'; author: string }
  | { kind: 'category'; category: string };

export interface Recommendation {
  book: Book;
  reason: RecommendationReason;
}

/** The sentence the storefront shows under a recommended book. */
export function reasonText(reason: RecommendationReason): string {
  switch (reason.kind) {
    case 'friends':
      return reason.friendCount === 1 ? '1 friend bought this' : `${reason.friendCount} friends bought this`;
    case 'similar-taste':
      return `because you rated ${reason.viaBook.title} ${reason.stars} ${reason.stars === 1 ? 'star' : 'stars'}`;
    case 'author':
      return `more by ${reason.author}`;
    case 'category':
      return `popular in ${reason.category}`;
  }
}

export interface BookRecommendations {
  friendsWhoBought: PublicUser[];
  alsoBought: Book[];
}

/**
 * How much each of my books says about my taste: a purchase counts 1, a rating of 4 or 5 stars 1 more,
 * a rating of 1 or 2 stars takes the book out (I did not like it).
 */
function tasteWeights(mine: Interactions): Map<string, number> {
  const weights = new Map<string, number>();
  for (const bookId of mine.purchased) weights.set(bookId, 1);
  for (const { bookId, stars } of mine.rated) {
    if (stars >= LIKED_STARS) weights.set(bookId, (weights.get(bookId) ?? 0) + 1);
    else if (stars <= 2) weights.delete(bookId);
  }
  return weights;
}

/** The names with the most weight, heaviest first, ties by name. */
function heaviest(weights: Map<string, number>, n: number): string[] {
  return [...weights]
    .sort(([a, wa], [b, wb]) => wb - wa || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, n)
    .map(([name]) => name);
}

export function recommendationUseCases({ graph, catalog, users, bestsellers, now }: RecommendationDeps) {
  /** Best sellers of the categories (and, among them, authors) I buy and like most, best rated first among equal sales. */
  async function popularForMe(weights: Map<string, number>, myBooks: Map<string, Book>): Promise<Recommendation[]> {
    const categories = new Map<string, number>();
    const authors = new Map<string, number>();
    for (const [bookId, weight] of weights) {
      const book = myBooks.get(bookId);
      if (!book) continue;
      categories.set(book.category, (categories.get(book.category) ?? 0) + weight);
      for (const author of book.authors) authors.set(author, (authors.get(author) ?? 0) + weight);
    }
    const favouriteAuthors = new Set(heaviest(authors, 3));
    const at = now().getTime();
    const shelves = await Promise.all(
      heaviest(categories, RECOMMENDATION_LIMITS.topCategories).map(async (category) => ({
        category,
        entries: await readDerived('bestsellers', () => bestsellers.top({ window: 'all', category, limit: RECOMMENDATION_LIMITS.perCategory, now: at })),
      })),
    );
    const books = await catalog.getMany(shelves.flatMap((s) => s.entries.map((e) => e.bookId)));
    const byAuthor: Recommendation[] = [];
    const byCategory: Recommendation[] = [];
    for (const { category, entries } of shelves) {
      const ranked = entries
        .flatMap((e) => {
          const book = books.get(e.bookId);
          return book ? [{ book, units: e.units }] : [];
        })
        .sort((a, b) => b.units - a.units || b.book.rating - a.book.rating || (a.book.id < b.book.id ? -1 : a.book.id > b.book.id ? 1 : 0));
      for (const { book } of ranked) {
        const author = book.authors.find((a) => favouriteAuthors.has(a));
        if (author) byAuthor.push({ book, reason: { kind: 'author', author } });
        else byCategory.push({ book, reason: { kind: 'category', category } });
      }
    }
    return [...byAuthor, ...byCategory];
  }

  return {
    /**
     * My personal shelf: books my friends bought, then books liked by people who liked what I liked,
     * then best sellers of my authors and categories. Never a book I bought or rated, nor one that left
     * the catalog; each book once, under its most personal reason.
     */
    async forUser(userId: string): Promise<Recommendation[]> {
      const limit = RECOMMENDATION_LIMITS.forUser;
      const mine = await readDerived('graph', () => graph.interactionsOf(userId));
      const owned = new Set([...mine.purchased, ...mine.rated.map((r) => r.bookId)]);
      const [fromFriends, likedWith] = await readDerived('graph', () =>
        Promise.all([graph.recommendedFor(userId, limit + mine.rated.length), graph.likedWith(userId, RECOMMENDATION_LIMITS.likedWith)]),
      );
      const weights = tasteWeights(mine);
      const stars = new Map(mine.rated.map((r) => [r.bookId, r.stars]));
      const books = await catalog.getMany([...fromFriends.map((r) => r.bookId), ...likedWith.flatMap((r) => [r.bookId, r.viaBookId]), ...weights.keys()]);

      const shelf: Recommendation[] = [];
      const seen = new Set(owned);
      const offer = (recommendation: Recommendation) => {
        if (shelf.length >= limit || seen.has(recommendation.book.id)) return;
        seen.add(recommendation.book.id);
        shelf.push(recommendation);
      };
      for (const r of fromFriends) {
        const book = books.get(r.bookId);
        if (book) offer({ book, reason: { kind: 'friends', friendCount: r.count } });
      }
      // Rows come best first, so a book's first row names the book of mine that leads to it most.
      for (const r of likedWith) {
        const book = books.get(r.bookId);
        const via = books.get(r.viaBookId);
        if (book && via) offer({ book, reason: { kind: 'similar-taste', viaBook: { id: via.id, title: via.title }, stars: stars.get(via.id) ?? LIKED_STARS, people: r.count } });
      }
      if (shelf.length < limit) for (const r of await popularForMe(weights, books)) offer(r);
      return shelf;
    },

    /** Who among my friends bought this book (only when signed in), and what its buyers also bought. */
    async forBook(bookId: string, viewerId: string | null): Promise<BookRecommendations> {
      if (!(await catalog.get(bookId))) throw new NotFoundError('book', bookId);
      const [friendIds, alsoRanked] = await readDerived('graph', () =>
        Promise.all([
          viewerId === null ? Promise.resolve([]) : graph.friendsWhoBought(viewerId, bookId, RECOMMENDATION_LIMITS.friendsWhoBought),
          graph.alsoBought(bookId, RECOMMENDATION_LIMITS.alsoBought),
        ]),
      );
      const [friends, books] = await Promise.all([users.getMany(friendIds), catalog.getMany(alsoRanked.map((r) => r.bookId))]);
      return {
        friendsWhoBought: friendIds.flatMap((id) => {
          const user = friends.get(id);
          return user ? [toPublicUser(user)] : [];
        }),
        alsoBought: alsoRanked.flatMap((r) => {
          const book = books.get(r.bookId);
          return book ? [book] : [];
        }),
      };
    },
  };
}
