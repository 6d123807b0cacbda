import { describe, expect, it } from 'vitest';
import type { GraphChange, SocialGraph } from '../../src/ports/social-graph.js';

type MakeGraph = () => Promise<{ graph: SocialGraph; close(): Promise<void> }>;

const ME = 'user-me';
const ANN = 'user-ann';
const BOB = 'user-bob';
const CAT = 'user-cat';
/** Asked me to be friends; I never accepted. */
const DAN = 'user-dan';
/** Ann's friend, not mine. */
const EVE = 'user-eve';

const X = 'book-x';
const Y = 'book-y';
const Z = 'book-z';
const W = 'book-w';
const V = 'book-v';

function friends(userA: string, userB: string, areFriends = true): GraphChange {
  return { kind: 'friendship', userA, userB, friends: areFriends };
}

function rate(userId: string, bookId: string, stars: number | null): GraphChange {
  return { kind: 'rating', userId, bookId, stars };
}

function purchase(userId: string, ...bookIds: string[]): GraphChange {
  return { kind: 'purchase', userId, bookIds };
}

/**
 * Me, friends with Ann, Bob and Cat (Bob's pair given in the other order); Dan's request pending;
 * Eve friends with Ann only.
 */
const NEIGHBOURHOOD: readonly GraphChange[] = [
  ...[ME, ANN, BOB, CAT, DAN, EVE].map((userId): GraphChange => ({ kind: 'user', userId })),
  friends(ME, ANN),
  friends(BOB, ME),
  friends(CAT, ME),
  friends(DAN, ME, false),
  friends(ANN, EVE),
  purchase(ANN, X, Y),
  purchase(BOB, X, Y, Z),
  purchase(CAT, X),
  purchase(ME, Z),
  purchase(DAN, W, X),
  purchase(EVE, V),
];

export function socialGraphConformance(make: MakeGraph): void {
  async function withGraph(test: (graph: SocialGraph) => Promise<void>): Promise<void> {
    const { graph, close } = await make();
    try {
      await test(graph);
    } finally {
      await close();
    }
  }

  async function expectNeighbourhoodAnswers(graph: SocialGraph): Promise<void> {
    expect(await graph.recommendedFor(ME, 10)).toEqual([
      { bookId: X, count: 3 },
      { bookId: Y, count: 2 },
    ]);
    expect(await graph.recommendedFor(ANN, 10)).toEqual([
      { bookId: V, count: 1 },
      { bookId: Z, count: 1 },
    ]);
    expect(await graph.friendsWhoBought(ME, X, 10)).toEqual([ANN, BOB, CAT]);
    expect(await graph.friendsWhoBought(ME, Z, 10)).toEqual([BOB]);
    expect(await graph.friendsWhoBought(ANN, Z, 10)).toEqual([ME]);
    expect(await graph.alsoBought(X, 10)).toEqual([
      { bookId: Y, count: 2 },
      { bookId: W, count: 1 },
      { bookId: Z, count: 1 },
    ]);
    expect(await graph.alsoBought(Z, 10)).toEqual([
      { bookId: X, count: 1 },
      { bookId: Y, count: 1 },
    ]);
  }

  describe('SocialGraph conformance', () => {
    it('answers empty lists for an empty graph and for unknown users and books', () =>
      withGraph(async (graph) => {
        expect(await graph.recommendedFor(ME, 10)).toEqual([]);
        expect(await graph.friendsWhoBought(ME, X, 10)).toEqual([]);
        expect(await graph.alsoBought(X, 10)).toEqual([]);

        await graph.apply(NEIGHBOURHOOD);
        expect(await graph.recommendedFor('user-nobody', 10)).toEqual([]);
        expect(await graph.friendsWhoBought(ME, 'book-unknown', 10)).toEqual([]);
        expect(await graph.alsoBought('book-unknown', 10)).toEqual([]);
      }));

    it('answers all three queries on a small graph', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await expectNeighbourhoodAnswers(graph);
      }));

    it('never counts pending friends or friends of friends', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);

        expect(await graph.friendsWhoBought(ME, W, 10)).toEqual([]);
        expect(await graph.friendsWhoBought(ME, V, 10)).toEqual([]);
        expect(await graph.friendsWhoBought(DAN, X, 10)).toEqual([]);
        expect(await graph.recommendedFor(DAN, 10)).toEqual([]);
        const recommended = (await graph.recommendedFor(ME, 10)).map((r) => r.bookId);
        expect(recommended).not.toContain(W);
        expect(recommended).not.toContain(V);
      }));

    it('excludes books I bought from my recommendations and a book from its own also-bought', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply([purchase(ME, X)]);

        expect(await graph.recommendedFor(ME, 10)).toEqual([{ bookId: Y, count: 2 }]);
        for (const book of [X, Y, Z, W]) {
          expect((await graph.alsoBought(book, 10)).map((r) => r.bookId)).not.toContain(book);
        }
      }));

    it('unfriending removes the friendship in both directions', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply([friends(ANN, ME, false)]);

        expect(await graph.recommendedFor(ME, 10)).toEqual([
          { bookId: X, count: 2 },
          { bookId: Y, count: 1 },
        ]);
        expect(await graph.friendsWhoBought(ME, X, 10)).toEqual([BOB, CAT]);
        expect(await graph.friendsWhoBought(ANN, Z, 10)).toEqual([]);
        expect(await graph.recommendedFor(ANN, 10)).toEqual([{ bookId: V, count: 1 }]);
        // Purchases outlive friendships: Ann's still count for also-bought.
        expect(await graph.alsoBought(X, 10)).toEqual([
          { bookId: Y, count: 2 },
          { bookId: W, count: 1 },
          { bookId: Z, count: 1 },
        ]);
      }));

    it('becoming friends again restores the friendship', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply([friends(ME, ANN, false)]);
        await graph.apply([friends(ANN, ME)]);

        await expectNeighbourhoodAnswers(graph);
      }));

    it('applies the changes of one batch in order', () =>
      withGraph(async (graph) => {
        await graph.apply([purchase(ANN, X), purchase(BOB, X), friends(ME, ANN), friends(ME, ANN, false), friends(ME, BOB, false), friends(ME, BOB)]);

        expect(await graph.friendsWhoBought(ME, X, 10)).toEqual([BOB]);
      }));

    it('is idempotent: applying the same changes again changes no answer', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply(NEIGHBOURHOOD);
        await expectNeighbourhoodAnswers(graph);

        await graph.apply(NEIGHBOURHOOD.slice(0, 9));
        await graph.apply([friends(ME, DAN, false), friends(ME, DAN, false)]);
        await expectNeighbourhoodAnswers(graph);
      }));

    it('counts a person once however often they bought a book', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply([purchase(BOB, X), purchase(BOB, Y, Y), purchase(ANN, X, Y)]);

        await expectNeighbourhoodAnswers(graph);
      }));

    it('returns at most `limit` results, the best ones', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);

        expect(await graph.recommendedFor(ME, 1)).toEqual([{ bookId: X, count: 3 }]);
        expect(await graph.friendsWhoBought(ME, X, 2)).toEqual([ANN, BOB]);
        expect(await graph.alsoBought(X, 2)).toEqual([
          { bookId: Y, count: 2 },
          { bookId: W, count: 1 },
        ]);
      }));

    it('rebuild replaces the whole graph with what load writes', () =>
      withGraph(async (graph) => {
        await graph.apply([friends(ME, DAN), purchase(DAN, W), purchase(ME, V)]);

        await graph.rebuild(async (write) => {
          await write(NEIGHBOURHOOD.slice(0, 11));
          await write(NEIGHBOURHOOD.slice(11));
        });

        await expectNeighbourhoodAnswers(graph);
        expect(await graph.friendsWhoBought(ME, W, 10)).toEqual([]);
        // Applying after a rebuild builds on the rebuilt graph.
        await graph.apply([friends(ME, DAN)]);
        expect(await graph.friendsWhoBought(ME, W, 10)).toEqual([DAN]);
      }));

    it('keeps answering from the old graph while a rebuild loads', () =>
      withGraph(async (graph) => {
        await graph.apply([friends(ME, DAN), purchase(DAN, W)]);

        const duringLoad: unknown[] = [];
        await graph.rebuild(async (write) => {
          await write(NEIGHBOURHOOD);
          duringLoad.push(await graph.recommendedFor(ME, 10), await graph.friendsWhoBought(ME, X, 10));
        });

        expect(duringLoad).toEqual([[{ bookId: W, count: 1 }], []]);
        await expectNeighbourhoodAnswers(graph);
      }));

    it('keeps the old graph when the load fails, and can rebuild afterwards', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);

        await expect(
          graph.rebuild(async (write) => {
            await write([friends(ME, DAN), purchase(DAN, V)]);
            throw new Error('snapshot lost');
          }),
        ).rejects.toThrow('snapshot lost');
        await expectNeighbourhoodAnswers(graph);

        await graph.rebuild(async (write) => write([friends(ME, DAN), purchase(DAN, V)]));
        expect(await graph.recommendedFor(ME, 10)).toEqual([{ bookId: V, count: 1 }]);
        expect(await graph.alsoBought(X, 10)).toEqual([]);
      }));

    it('forgets a deleted user: vertex, friendships both ways, purchases and ratings; idempotently', () =>
      withGraph(async (graph) => {
        await graph.apply([...NEIGHBOURHOOD, rate(BOB, X, 5), rate(ME, X, 4)]);
        await graph.apply([{ kind: 'forget-user', userId: BOB }]);
        await graph.apply([{ kind: 'forget-user', userId: BOB }, { kind: 'forget-user', userId: 'user-nobody' }]);
        const contents = await graph.contents();
        expect(contents.users).not.toContain(BOB);
        expect(contents.friendships.filter((e) => e.from === BOB || e.to === BOB)).toEqual([]);
        expect(contents.purchases.filter((p) => p.userId === BOB)).toEqual([]);
        expect(await graph.interactionsOf(BOB)).toEqual({ purchased: [], rated: [] });
        // Bob's purchases no longer count for me or for also-bought; nobody else changed.
        expect(await graph.recommendedFor(ME, 10)).toEqual([{ bookId: X, count: 2 }, { bookId: Y, count: 1 }]);
        expect(await graph.friendsWhoBought(ME, Z, 10)).toEqual([]);
        expect(await graph.alsoBought(Z, 10)).toEqual([]);
        expect(await graph.likedWith(ME, 10)).toEqual([]);
        expect(await graph.friendsWhoBought(ME, X, 10)).toEqual([ANN, CAT]);
      }));

    it('lists its users, friendships each way and purchases, and removes a purchase when asked', () =>
      withGraph(async (graph) => {
        await graph.apply(NEIGHBOURHOOD);
        await graph.apply([{ kind: 'purchase', userId: BOB, bookIds: [Y, Z], bought: false }]);
        const contents = await graph.contents();
        expect([...contents.users].sort()).toEqual([ANN, BOB, CAT, DAN, EVE, ME].sort());
        const pairs = contents.friendships.map((f) => `${f.from}>${f.to}`).sort();
        expect(pairs).toEqual([`${ME}>${ANN}`, `${ANN}>${ME}`, `${BOB}>${ME}`, `${ME}>${BOB}`, `${CAT}>${ME}`, `${ME}>${CAT}`, `${ANN}>${EVE}`, `${EVE}>${ANN}`].sort());
        const bought = contents.purchases.map((p) => `${p.userId}>${p.bookId}`).sort();
        expect(bought).toEqual([`${ANN}>${X}`, `${ANN}>${Y}`, `${BOB}>${X}`, `${CAT}>${X}`, `${ME}>${Z}`, `${DAN}>${W}`, `${DAN}>${X}`, `${EVE}>${V}`].sort());
        expect(await graph.alsoBought(Z, 10)).toEqual([]);
      }));

    describe('ratings', () => {
      /**
       * I liked X (5) and Y (4), found W dull (2) and bought Z. Ann liked X and V; Bob X, Y and V; Cat Y,
       * U and Z; Dan liked X but rated V 3 (not liked); Eve liked W and T.
       */
      const T = 'book-t';
      const U = 'book-u';
      const TASTES: readonly GraphChange[] = [
        rate(ME, X, 5),
        rate(ME, Y, 4),
        rate(ME, W, 2),
        rate(ANN, X, 5),
        rate(ANN, V, 4),
        rate(BOB, X, 4),
        rate(BOB, Y, 5),
        rate(BOB, V, 5),
        rate(CAT, Y, 4),
        rate(CAT, U, 5),
        rate(CAT, Z, 5),
        rate(DAN, X, 5),
        rate(DAN, V, 3),
        rate(EVE, W, 5),
        rate(EVE, T, 5),
        purchase(ME, Z),
      ];

      it('finds what people who liked my books liked, per book of mine, without mine', () =>
        withGraph(async (graph) => {
          await graph.apply(TASTES);
          expect(await graph.likedWith(ME, 10)).toEqual([
            { bookId: V, viaBookId: X, count: 2 },
            { bookId: U, viaBookId: Y, count: 1 },
            { bookId: V, viaBookId: Y, count: 1 },
          ]);
          expect(await graph.likedWith(ME, 1)).toEqual([{ bookId: V, viaBookId: X, count: 2 }]);
          expect(await graph.likedWith(EVE, 10)).toEqual([]);
          expect(await graph.likedWith('user-nobody', 10)).toEqual([]);
          expect(await graph.interactionsOf(ME)).toEqual({
            purchased: [Z],
            rated: [
              { bookId: W, stars: 2 },
              { bookId: X, stars: 5 },
              { bookId: Y, stars: 4 },
            ],
          });
          expect(await graph.interactionsOf('user-nobody')).toEqual({ purchased: [], rated: [] });
        }));

      it('changes stars in place, removes a rating, and is idempotent', () =>
        withGraph(async (graph) => {
          await graph.apply(TASTES);
          await graph.apply([rate(DAN, V, 5), rate(BOB, V, null), rate(ANN, V, 4)]);
          await graph.apply([rate(DAN, V, 5), rate(BOB, V, null)]);
          expect(await graph.likedWith(ME, 10)).toEqual([
            { bookId: V, viaBookId: X, count: 2 },
            { bookId: U, viaBookId: Y, count: 1 },
          ]);
          // Rating a book takes it out of my recommendations, as buying does.
          await graph.apply([rate(ME, U, 1)]);
          expect((await graph.likedWith(ME, 10)).map((r) => r.bookId)).toEqual([V]);
          expect((await graph.interactionsOf(ME)).rated).toContainEqual({ bookId: U, stars: 1 });
        }));

      it('rebuilds ratings with everything else', () =>
        withGraph(async (graph) => {
          await graph.apply([rate(ME, X, 5), rate(ANN, X, 5), rate(ANN, T, 5)]);
          await graph.rebuild(async (write) => write(TASTES));
          expect((await graph.likedWith(ME, 10)).map((r) => r.bookId)).toEqual([V, U, V]);
        }));
    });
  });
}
