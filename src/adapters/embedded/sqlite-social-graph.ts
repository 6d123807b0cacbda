import { LIKED_STARS, type GraphChange, type GraphContents, type Interactions, type LikedWith, type RankedBook, type SocialGraph } from '../../ports/social-graph.js';
import { migrate, openSqlite, type SqliteDatabase } from './sqlite-database.js';
import { liveTables, rebuildTables, type TableNames } from './sqlite-shadow-tables.js';

const TABLES = ['graph_vertices', 'graph_edges', 'graph_rated'] as const;

/**
 * A property graph in two tables, shaped like the Gremlin graph the engine profile runs, so each
 * query below is a join-for-step translation of its traversal. Edges are distinct
 * (label, out, in) triples: a second purchase of a book adds nothing, which is what makes every
 * count a count of distinct people.
 */
function schema(names: TableNames): string {
  const vertices = names('graph_vertices');
  const edges = names('graph_edges');
  return `
    CREATE TABLE ${vertices} (
      label TEXT NOT NULL, id TEXT NOT NULL,
      PRIMARY KEY (label, id)
    ) WITHOUT ROWID;
    CREATE TABLE ${edges} (
      label TEXT NOT NULL, out_id TEXT NOT NULL, in_id TEXT NOT NULL,
      PRIMARY KEY (label, out_id, in_id)
    ) WITHOUT ROWID;
    -- Walking an edge backwards (Gremlin's in()), e.g. from a book to its buyers.
    CREATE INDEX ${edges}_in ON ${edges} (label, in_id, out_id);
  `;
}

/**
 * `rated` edges carry a property (stars), so they have a table of their own; a second schema step,
 * so a graph file made before ratings gains it in place.
 */
function ratedSchema(names: TableNames): string {
  const rated = names('graph_rated');
  return `
    CREATE TABLE ${rated} (
      out_id TEXT NOT NULL, in_id TEXT NOT NULL, stars INTEGER NOT NULL,
      PRIMARY KEY (out_id, in_id)
    ) WITHOUT ROWID;
    CREATE INDEX ${rated}_in ON ${rated} (in_id, stars, out_id);
  `;
}

function fullSchema(names: TableNames): string {
  return schema(names) + ratedSchema(names);
}

/** Applies changes to one generation of the graph's tables (the live one, or a shadow being rebuilt). */
class GraphWriter {
  private readonly addVertex;
  private readonly addEdge;
  private readonly removeEdge;
  private readonly rate;
  private readonly unrate;
  private readonly forgetVertex;
  private readonly forgetEdges;
  private readonly forgetRatings;

  constructor(names: TableNames, db: SqliteDatabase) {
    this.forgetVertex = db.prepare<[string]>(`DELETE FROM ${names('graph_vertices')} WHERE label = 'user' AND id = ?`);
    // Out of the user: friendOf and purchased; into the user: friendOf only (books have no out-edges to users).
    this.forgetEdges = db.prepare<[string, string]>(`DELETE FROM ${names('graph_edges')} WHERE out_id = ? OR (label = 'friendOf' AND in_id = ?)`);
    this.forgetRatings = db.prepare<[string]>(`DELETE FROM ${names('graph_rated')} WHERE out_id = ?`);
    this.rate = db.prepare<[string, string, number]>(
      `INSERT INTO ${names('graph_rated')} (out_id, in_id, stars) VALUES (?, ?, ?) ON CONFLICT (out_id, in_id) DO UPDATE SET stars = excluded.stars`,
    );
    this.unrate = db.prepare<[string, string]>(`DELETE FROM ${names('graph_rated')} WHERE out_id = ? AND in_id = ?`);
    this.addVertex = db.prepare<[string, string]>(`INSERT OR IGNORE INTO ${names('graph_vertices')} (label, id) VALUES (?, ?)`);
    this.addEdge = db.prepare<[string, string, string]>(`INSERT OR IGNORE INTO ${names('graph_edges')} (label, out_id, in_id) VALUES (?, ?, ?)`);
    this.removeEdge = db.prepare<[string, string, string]>(`DELETE FROM ${names('graph_edges')} WHERE label = ? AND out_id = ? AND in_id = ?`);
  }

  /** Call inside a transaction, so a batch lands whole or not at all. */
  apply(change: GraphChange): void {
    switch (change.kind) {
      case 'user':
        this.addVertex.run('user', change.userId);
        break;
      // A removal adds no vertex: it may arrive after the person's account was deleted and forgotten.
      case 'friendship': {
        const { userA, userB } = change;
        if (change.friends) {
          this.addVertex.run('user', userA);
          this.addVertex.run('user', userB);
        }
        const edge = change.friends ? this.addEdge : this.removeEdge;
        edge.run('friendOf', userA, userB);
        edge.run('friendOf', userB, userA);
        break;
      }
      case 'purchase': {
        const bought = change.bought !== false;
        if (bought) this.addVertex.run('user', change.userId);
        for (const bookId of change.bookIds) {
          if (bought) this.addVertex.run('book', bookId);
          (bought ? this.addEdge : this.removeEdge).run('purchased', change.userId, bookId);
        }
        break;
      }
      case 'rating':
        if (change.stars === null) {
          this.unrate.run(change.userId, change.bookId);
          break;
        }
        this.addVertex.run('user', change.userId);
        this.addVertex.run('book', change.bookId);
        this.rate.run(change.userId, change.bookId, change.stars);
        break;
      case 'forget-user':
        this.forgetEdges.run(change.userId, change.userId);
        this.forgetRatings.run(change.userId);
        this.forgetVertex.run(change.userId);
        break;
    }
  }
}

/**
 * The social graph on SQLite. Orderings use SQLite's binary order of the (ASCII) ids, which is the
 * ascending order the port asks for. Safe to open from several processes.
 *
 * Every join is a CROSS JOIN, which SQLite never reorders: each query walks out from its start
 * vertex like the traversal it mirrors. Left free, the planner prefers scanning every purchase in
 * book order to save the GROUP BY a sort, which is hundreds of times slower on a real graph.
 */
export class SqliteSocialGraph implements SocialGraph {
  private readonly live: GraphWriter;
  private readonly applyBatch;
  private readonly recommended;
  private readonly friendsWhoBoughtBook;
  private readonly boughtTogether;
  private readonly likedTogether;
  private readonly purchasedBy;
  private readonly ratedBy;

  private constructor(readonly db: SqliteDatabase) {
    this.live = new GraphWriter(liveTables, db);
    this.applyBatch = db.transaction((changes: readonly GraphChange[]) => {
      for (const change of changes) this.live.apply(change);
    });

    // g.V(me).out('friendOf').out('purchased')
    //   .where(__.not(__.in('purchased').hasId(me)))
    //   .groupCount().by(T.id)
    //   .order(local).by(values, desc).by(keys, asc).limit(local, n)
    this.recommended = db.prepare<[string, string, number], RankedBook>(
      `SELECT bought.in_id AS bookId, COUNT(*) AS count
       FROM graph_edges AS friend
       CROSS JOIN graph_edges AS bought ON bought.label = 'purchased' AND bought.out_id = friend.in_id
       WHERE friend.label = 'friendOf' AND friend.out_id = ?
         AND NOT EXISTS (
           SELECT 1 FROM graph_edges AS mine
           WHERE mine.label = 'purchased' AND mine.out_id = ? AND mine.in_id = bought.in_id
         )
       GROUP BY bought.in_id
       ORDER BY count DESC, bookId
       LIMIT ?`,
    );

    // g.V(me).out('friendOf')
    //   .where(__.out('purchased').hasId(book))
    //   .id().order().limit(n)
    this.friendsWhoBoughtBook = db.prepare<[string, string, number], { userId: string }>(
      `SELECT friend.in_id AS userId
       FROM graph_edges AS friend
       CROSS JOIN graph_edges AS bought ON bought.label = 'purchased' AND bought.out_id = friend.in_id AND bought.in_id = ?
       WHERE friend.label = 'friendOf' AND friend.out_id = ?
       ORDER BY userId
       LIMIT ?`,
    );

    // g.V(me).outE('rated').has('stars', gte(4)).inV().as('via')
    //   .inE('rated').has('stars', gte(4)).outV().where(neq(me))
    //   .outE('rated').has('stars', gte(4)).inV().where(neq('via'))
    //   .where(not(in('purchased', 'rated').hasId(me)))
    //   .groupCount().by(select('via', book)), ordered by count desc, book, via
    this.likedTogether = db.prepare<[number, string, number, number, string, string, string, number], LikedWith>(
      `SELECT other.in_id AS bookId, mine.in_id AS viaBookId, COUNT(*) AS count
       FROM graph_rated AS mine
       CROSS JOIN graph_rated AS liker ON liker.in_id = mine.in_id AND liker.stars >= ? AND liker.out_id <> ?
       CROSS JOIN graph_rated AS other ON other.out_id = liker.out_id AND other.stars >= ? AND other.in_id <> mine.in_id
       WHERE mine.stars >= ? AND mine.out_id = ?
         AND NOT EXISTS (SELECT 1 FROM graph_rated AS r WHERE r.out_id = ? AND r.in_id = other.in_id)
         AND NOT EXISTS (SELECT 1 FROM graph_edges AS p WHERE p.label = 'purchased' AND p.out_id = ? AND p.in_id = other.in_id)
       GROUP BY other.in_id, mine.in_id
       ORDER BY count DESC, bookId, viaBookId
       LIMIT ?`,
    );
    this.purchasedBy = db.prepare<[string], { bookId: string }>(
      `SELECT in_id AS bookId FROM graph_edges WHERE label = 'purchased' AND out_id = ? ORDER BY in_id`,
    );
    this.ratedBy = db.prepare<[string], { bookId: string; stars: number }>(`SELECT in_id AS bookId, stars FROM graph_rated WHERE out_id = ? ORDER BY in_id`);

    // g.V(book).in('purchased').out('purchased')
    //   .where(__.not(__.hasId(book)))
    //   .groupCount().by(T.id)
    //   .order(local).by(values, desc).by(keys, asc).limit(local, n)
    this.boughtTogether = db.prepare<[string, number], RankedBook>(
      `SELECT other.in_id AS bookId, COUNT(*) AS count
       FROM graph_edges AS buyer
       CROSS JOIN graph_edges AS other ON other.label = 'purchased' AND other.out_id = buyer.out_id AND other.in_id <> buyer.in_id
       WHERE buyer.label = 'purchased' AND buyer.in_id = ?
       GROUP BY other.in_id
       ORDER BY count DESC, bookId
       LIMIT ?`,
    );
  }

  static open(file: string): SqliteSocialGraph {
    const db = openSqlite(file, { durability: 'normal' });
    // The live schema is built by the same functions as every rebuild's shadow, so they cannot drift.
    migrate(db, [schema(liveTables), ratedSchema(liveTables)]);
    return new SqliteSocialGraph(db);
  }

  async apply(changes: readonly GraphChange[]): Promise<void> {
    this.applyBatch.immediate(changes);
  }

  async recommendedFor(userId: string, limit: number): Promise<RankedBook[]> {
    return this.recommended.all(userId, userId, sqlLimit(limit));
  }

  async friendsWhoBought(userId: string, bookId: string, limit: number): Promise<string[]> {
    return this.friendsWhoBoughtBook.all(bookId, userId, sqlLimit(limit)).map((row) => row.userId);
  }

  async likedWith(userId: string, limit: number): Promise<LikedWith[]> {
    return this.likedTogether.all(LIKED_STARS, userId, LIKED_STARS, LIKED_STARS, userId, userId, userId, sqlLimit(limit));
  }

  async interactionsOf(userId: string): Promise<Interactions> {
    return {
      purchased: this.purchasedBy.all(userId).map((row) => row.bookId),
      rated: this.ratedBy.all(userId),
    };
  }

  async alsoBought(bookId: string, limit: number): Promise<RankedBook[]> {
    return this.boughtTogether.all(bookId, sqlLimit(limit));
  }

  async contents(): Promise<GraphContents> {
    return this.db.transaction(() => ({
      users: this.db.prepare<[], string>(`SELECT id FROM graph_vertices WHERE label = 'user' ORDER BY id`).pluck().all(),
      friendships: this.db
        .prepare<[], { from: string; to: string }>(`SELECT out_id AS "from", in_id AS "to" FROM graph_edges WHERE label = 'friendOf' ORDER BY out_id, in_id`)
        .all(),
      purchases: this.db
        .prepare<[], { userId: string; bookId: string }>(`SELECT out_id AS userId, in_id AS bookId FROM graph_edges WHERE label = 'purchased' ORDER BY out_id, in_id`)
        .all(),
    }))();
  }

  async rebuild(load: (write: (changes: readonly GraphChange[]) => Promise<void>) => Promise<void>): Promise<void> {
    await rebuildTables(this.db, TABLES, fullSchema, async (names) => {
      const shadow = new GraphWriter(names, this.db);
      const writeBatch = this.db.transaction((changes: readonly GraphChange[]) => {
        for (const change of changes) shadow.apply(change);
      });
      await load(async (changes) => {
        writeBatch.immediate(changes);
      });
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** SQLite reads a negative LIMIT as "no limit"; the port means "nothing". */
function sqlLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
