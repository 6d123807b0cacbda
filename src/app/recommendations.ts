import type { Book } from '../domain/book.js';
import { NotFoundError } from '../domain/errors.js';
import { toPublicUser, type PublicUser } from '../domain/user.js';
import type { Catalog } from '../ports/catalog.js';
import type { SocialGraph } from '../ports/social-graph.js';
import type { Users } from '../ports/users.js';
import { readDerived } from './derived.js';

export interface RecommendationDeps {
  graph: SocialGraph;
  catalog: Catalog;
  users: Users;
}

export const RECOMMENDATION_LIMITS = { forUser: 20, friendsWhoBought: 20, alsoBought: 10 } as const;

export interface Recommendation {
  book: Book;
  /** How many of my friends bought it. */
  friendCount: number;
}

export interface BookRecommendations {
  friendsWhoBought: PublicUser[];
  alsoBought: Book[];
}

export function recommendationUseCases({ graph, catalog, users }: RecommendationDeps) {
  return {
    /** Books my friends bought and I have not, most-bought-by-friends first; deleted books are left out. */
    async forUser(userId: string): Promise<Recommendation[]> {
      const ranked = await readDerived('graph', () => graph.recommendedFor(userId, RECOMMENDATION_LIMITS.forUser));
      const books = await catalog.getMany(ranked.map((r) => r.bookId));
      return ranked.flatMap((r) => {
        const book = books.get(r.bookId);
        return book ? [{ book, friendCount: r.count }] : [];
      });
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
