import { randomBytes } from 'node:crypto';
import gremlin from 'gremlin';
import { LIKED_STARS, type GraphChange, type GraphContents, type Interactions, type LikedWith, type RankedBook, type SocialGraph } from '../../ports/social-graph.js';
import { withConflictRetry } from './conflict-retry.js';
import { GremlinStreamCheckpoints } from './gremlin-stream-checkpoints.js';
import { ReconnectingConnection, type HandshakeHeaders } from './reconnecting-connection.js';

const { DriverRemoteConnection } = gremlin.driver;
const { traversal, statics: __, P, TextP, t, cardinality, column, direction, merge, order, scope } = gremlin.process;

type Traversal = gremlin.GraphTraversal;
type TraversalSource = gremlin.GraphTraversalSource;

/** Handshake headers, or a hook that makes them (e.g. a SigV4 signer for Neptune IAM). */
export type GremlinHeaders = Record<string, string> | HandshakeHeaders;

export type GremlinSocialGraphOptions = {
  /**
   * Prefix of every vertex and edge id this graph writes, so several graphs (concurrent test runs,
   * several shops) share one database without ever touching each other's elements.
   */
  namespace: string;
  /** How many elements one request drops when a generation is removed. Default 500. */
  dropBatchSize?: number;
  /**
   * How long one request may wait for its answer before it fails, ms. Default 30 000 (Gremlin
   * Server's own evaluation timeout). The driver has no timeout: without this, a server that stops
   * answering while its connection stays open (a hung process, a host gone without a reset) would
   * hold every caller, and the projection's poller, until it answered.
   */
  requestTimeoutMs?: number;
} & (
  | {
      /** The Gremlin WebSocket endpoint, e.g. `wss://<cluster>:8182/gremlin` or `ws://127.0.0.1:8182/gremlin`. */
      url: string;
      /**
       * Sent with the WebSocket handshake of the connections this graph opens. An object is sent
       * as it is whenever the driver reconnects. A function is called for every new WebSocket: once
       * the connection has dropped, the next request opens a new one with headers made then (see
       * {@link ReconnectingConnection}); the request the drop caught, or one whose handshake is
       * refused, fails to its caller and is not retried. For Neptune with IAM authentication,
       * return SigV4 headers for `GET https://<host>:8182/gremlin`, service `neptune-db` (Host,
       * X-Amz-Date, Authorization and, with temporary credentials, X-Amz-Security-Token), e.g. from
       * `@smithy/signature-v4`'s `SignatureV4.sign()` with the default credential provider: Neptune
       * checks the signature at the handshake only and refuses one older than 5 minutes, so a
       * long-running process needs the function form.
       */
      headers?: GremlinHeaders;
    }
  | {
      /** A connection the caller opened and still owns: `close()` leaves it open. */
      connection: gremlin.RemoteConnection;
    }
);

const DEFAULT_DROP_BATCH = 500;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Changes per request: large enough to make seeding quick, small enough for any server's frame limit. */
const CHANGES_PER_REQUEST = 200;

/**
 * The social graph on a Gremlin server (Amazon Neptune, or TinkerPop Gremlin Server with TinkerGraph
 * standing in for it), through bytecode traversals only: Neptune accepts no Groovy scripts, and user
 * input travels as traversal arguments, never as query text.
 *
 * Layout. Vertex ids are `<namespace>:user:<id>` and `<namespace>:book:<id>`, with the raw id in a
 * `key` property that answers are ordered by. Every edge belongs to one generation: its id is
 * `<namespace>:<generation>:<label>:<out>:<in>` (raw ids URI-encoded, so no two pairs share an id) and
 * its `gen` property names the generation. A pointer vertex `<namespace>:graph` holds the current
 * generation in `current` (`single` cardinality: Neptune's default cardinality is `set`, which would
 * accumulate every generation ever written). Each query reads the pointer and walks only that
 * generation's edges in one traversal, which Neptune runs against one snapshot. Vertices are shared
 * by the generations and carry, in `gen`, the last generation that wrote them, so a rebuild can find
 * the ones only the old graph used. The stream checkpoints of the graph projection are vertices of the
 * same namespace, `<namespace>:checkpoint:<consumer>` (see {@link GremlinStreamCheckpoints}).
 *
 * Writes are idempotent upserts: `mergeV`/`mergeE` keyed by id, so a redelivered change finds its
 * elements and changes nothing; a second purchase of a book is the same edge, which is what makes
 * every count a count of distinct people. Up to 200 changes of one `apply` travel as one traversal
 * (one transaction on Neptune) that upserts their vertices, then the edges whose last change in the
 * batch adds them, then drops those whose last change removes them: the end state of applying them
 * in order, in three steps over injected lists instead of one step per change, which is what makes
 * loading fast. A batch larger than 200 is not atomic as a whole.
 *
 * Rebuild loads a new generation beside the live one, switches the pointer in one traversal, then
 * drops the old generation's edges and the vertices it alone used, in batches. A load that fails
 * drops what it wrote and leaves the pointer alone.
 *
 * What it does not do:
 * - Changes applied while a rebuild loads go to the old generation and are gone after the switch, as
 *   with the embedded graph: the rebuild's `load` must read a snapshot taken after them, or the
 *   caller must re-apply them.
 * - Concurrent writers (a server's poller and a CLI catching up, several Lambda containers) are
 *   Neptune's normal case: each traversal is one transaction, and the later of two that change the
 *   same element fails with a conflict and is sent again (see withConflictRetry). Gremlin Server here
 *   runs TinkerTransactionGraph for the same reason (scripts/engines/gremlin/tinkergraph.properties);
 *   its transactions are read-committed, so a query that read the pointer just before a switch may
 *   see the old generation half dropped.
 * - A process that dies mid-rebuild leaves the partial generation's edges behind (invisible to
 *   queries, which follow the pointer); nothing collects them.
 * - Dropping a generation finds its elements with `has('gen', ...)`: an index lookup on Neptune, a
 *   scan of the whole graph on TinkerGraph.
 * - A vertex that a failed load wrote keeps that load's generation in `gen`; if no later write
 *   touches it, it stays behind without edges once the old graph's edges go (it changes no answer;
 *   `destroy()` removes it).
 * - Ties are ordered by the server's string order: Java's UTF-16 order on Gremlin Server, which
 *   agrees with SQLite's binary order for ids below U+D800 (all the ids this shop generates).
 */
export class GremlinSocialGraph implements SocialGraph {
  private readonly pointerId: string;
  private readonly dropBatchSize: number;

  private constructor(
    private readonly g: TraversalSource,
    private readonly connection: gremlin.RemoteConnection,
    private readonly ownsConnection: boolean,
    private readonly namespace: string,
    dropBatchSize: number,
  ) {
    this.pointerId = `${namespace}:graph`;
    this.dropBatchSize = dropBatchSize;
  }

  /** Connects (or adopts the given connection) and creates this namespace's generation pointer if missing. */
  static async connect(options: GremlinSocialGraphOptions): Promise<GremlinSocialGraph> {
    // A colon would let one namespace's id prefix cover another's ("a:" covers "a:b:...").
    if (!/^[^:]+$/.test(options.namespace)) {
      throw new Error(`GremlinSocialGraph namespace must be non-empty and have no colon: ${JSON.stringify(options.namespace)}`);
    }
    let connection: gremlin.RemoteConnection;
    let owns: boolean;
    if ('connection' in options) {
      connection = options.connection;
      owns = false;
    } else {
      const { url, headers } = options;
      if (typeof headers === 'function') {
        connection = new ReconnectingConnection(url, headers);
      } else {
        // A copy: the driver adds its User-Agent to the object it is given.
        connection = new DriverRemoteConnection(url, headers ? { headers: { ...headers } } : {});
      }
      owns = true;
    }
    const graph = new GremlinSocialGraph(
      // Each try has its own deadline; a write that loses a conflict is sent again (conflict-retry.ts).
      traversal().withRemote(withConflictRetry(withRequestTimeout(connection, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS))),
      connection,
      owns,
      options.namespace,
      options.dropBatchSize ?? DEFAULT_DROP_BATCH,
    );
    try {
      await graph.ensurePointer();
    } catch (error) {
      if (owns) await connection.close();
      throw error;
    }
    return graph;
  }

  async apply(changes: readonly GraphChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.write(await this.currentGeneration(), changes);
  }

  async recommendedFor(userId: string, limit: number): Promise<RankedBook[]> {
    const n = queryLimit(limit);
    if (n === 0) return [];
    const me = this.userVertex(userId);
    const mine = current(__.outE('purchased')).inV().aggregate('mine');
    const friends = current(this.inCurrentGeneration().V(me).sideEffect(mine).outE('friendOf')).inV();
    const books = current(friends.outE('purchased')).inV().where(P.without('mine'));
    return ranked(await top(books, n).toList());
  }

  async friendsWhoBought(userId: string, bookId: string, limit: number): Promise<string[]> {
    const n = queryLimit(limit);
    if (n === 0) return [];
    const friends = current(this.inCurrentGeneration().V(this.userVertex(userId)).outE('friendOf'))
      .inV()
      .where(current(__.outE('purchased')).inV().hasId(this.bookVertex(bookId)))
      .values('key')
      .order()
      .by(order.asc)
      .limit(n);
    return (await friends.toList()).map(String);
  }

  /**
   * Walks me → my liked books (`via`) → other people who liked them → what they liked that is not mine,
   * and counts the paths per (book, via) here: each path is one distinct person, as each person has one
   * `rated` edge per book. The paths grow with the people who share my tastes, not with the graph.
   */
  async likedWith(userId: string, limit: number): Promise<LikedWith[]> {
    const n = queryLimit(limit);
    if (n === 0) return [];
    const me = this.userVertex(userId);
    const liked = (edges: Traversal) => current(edges).has('stars', P.gte(LIKED_STARS));
    const mine = current(__.outE('purchased', 'rated')).inV().aggregate('mine');
    const vias = liked(this.inCurrentGeneration().V(me).as('me').sideEffect(mine).outE('rated')).inV().as('via');
    const likers = liked(vias.inE('rated')).outV().where(P.neq('me'));
    const paths = await liked(likers.outE('rated'))
      .inV()
      .where(P.without('mine'))
      .where(P.neq('via'))
      .as('book')
      .select('book', 'via')
      .by('key')
      .toList();
    const counts = new Map<string, LikedWith>();
    for (const path of paths) {
      if (!(path instanceof Map)) continue;
      const bookId = String(path.get('book'));
      const viaBookId = String(path.get('via'));
      const key = JSON.stringify([bookId, viaBookId]);
      const row = counts.get(key) ?? { bookId, viaBookId, count: 0 };
      row.count += 1;
      counts.set(key, row);
    }
    return [...counts.values()]
      .sort((a, b) => b.count - a.count || compareIds(a.bookId, b.bookId) || compareIds(a.viaBookId, b.viaBookId))
      .slice(0, n);
  }

  async interactionsOf(userId: string): Promise<Interactions> {
    const rows = await current(this.inCurrentGeneration().V(this.userVertex(userId)).outE('purchased', 'rated'))
      .project('label', 'bookId', 'stars')
      .by(t.label)
      .by(__.inV().values('key'))
      .by(__.coalesce(__.values('stars'), __.constant(0)))
      .toList();
    const purchased: string[] = [];
    const rated: Interactions['rated'] = [];
    for (const row of rows) {
      if (!(row instanceof Map)) continue;
      const bookId = String(row.get('bookId'));
      if (row.get('label') === 'purchased') purchased.push(bookId);
      else rated.push({ bookId, stars: Number(row.get('stars')) });
    }
    purchased.sort(compareIds);
    rated.sort((a, b) => compareIds(a.bookId, b.bookId));
    return { purchased, rated };
  }

  async alsoBought(bookId: string, limit: number): Promise<RankedBook[]> {
    const n = queryLimit(limit);
    if (n === 0) return [];
    const book = this.bookVertex(bookId);
    const buyers = current(this.inCurrentGeneration().V(book).inE('purchased')).outV();
    const others = current(buyers.outE('purchased')).inV().not(__.hasId(book));
    return ranked(await top(others, n).toList());
  }

  /** Three scans: user vertices by id prefix, then the current generation's edges of each label. */
  async contents(): Promise<GraphContents> {
    const generation = await this.currentGeneration();
    const users = await this.g.V().hasId(TextP.startingWith(`${this.namespace}:user:`)).values('key').toList();
    const edges = async (label: 'friendOf' | 'purchased') =>
      (await this.g
        .E()
        .hasId(TextP.startingWith(`${this.namespace}:${generation}:${label}:`))
        .project('from', 'to')
        .by(__.outV().values('key'))
        .by(__.inV().values('key'))
        .toList()) as Array<Map<string, unknown>>;
    return {
      users: users.map(String),
      friendships: (await edges('friendOf')).map((e) => ({ from: String(e.get('from')), to: String(e.get('to')) })),
      purchases: (await edges('purchased')).map((e) => ({ userId: String(e.get('from')), bookId: String(e.get('to')) })),
    };
  }

  async rebuild(load: (write: (changes: readonly GraphChange[]) => Promise<void>) => Promise<void>): Promise<void> {
    const next = newGeneration();
    try {
      await load((changes) => this.write(next, changes));
    } catch (error) {
      await this.dropGeneration(next).catch(() => undefined);
      throw error;
    }
    const previous = await this.switchTo(next);
    if (previous !== undefined && previous !== next) await this.dropGeneration(previous);
  }

  /**
   * Deletes every vertex (and so every edge) of this namespace, pointer included: for tests and for
   * retiring a shop. It finds them by id prefix, a scan of the whole graph, in batches.
   */
  async destroy(): Promise<void> {
    await this.dropInBatches(() => this.g.V().hasId(TextP.startingWith(`${this.namespace}:`)));
  }

  /**
   * Stream checkpoints kept in this graph's namespace, over its connection (and request deadline):
   * lost with the graph, so a wiped graph is rebuilt rather than updated as if it were whole.
   */
  streamCheckpoints(now?: () => number): GremlinStreamCheckpoints {
    return new GremlinStreamCheckpoints(this.g, this.namespace, now);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }

  private userVertex(userId: string): string {
    return `${this.namespace}:user:${userId}`;
  }

  private bookVertex(bookId: string): string {
    return `${this.namespace}:book:${bookId}`;
  }

  private edgeId(generation: string, label: string, outKey: string, inKey: string): string {
    return `${this.namespace}:${generation}:${label}:${encodeURIComponent(outKey)}:${encodeURIComponent(inKey)}`;
  }

  /** Starts a query at the pointer, labelling the current generation `gen` for {@link current}. */
  private inCurrentGeneration(): Traversal {
    return this.g.V(this.pointerId).values('current').as('gen');
  }

  private async currentGeneration(): Promise<string> {
    const [generation] = await this.g.V(this.pointerId).values('current').toList();
    if (typeof generation !== 'string') throw new Error(`social graph ${this.namespace}: generation pointer is missing`);
    return generation;
  }

  private async ensurePointer(): Promise<void> {
    const upsert = () =>
      this.g
        .mergeV(new Map<unknown, unknown>([[t.id, this.pointerId], [t.label, 'graphGeneration']]))
        .option(merge.onCreate, new Map([['current', newGeneration()]]))
        .iterate();
    // Two processes creating the same namespace at once: the loser of the race finds the winner's.
    await upsert().catch(upsert);
  }

  /**
   * Points queries at `next` in one traversal and answers the generation it replaced: `next` itself if
   * the pointer had gone (a concurrent `destroy`), which is then recreated rather than left missing.
   */
  private async switchTo(next: string): Promise<string | undefined> {
    const [previous] = await this.g
      .mergeV(new Map<unknown, unknown>([[t.id, this.pointerId], [t.label, 'graphGeneration']]))
      .option(merge.onCreate, new Map([['current', next]]))
      .as('pointer')
      .values('current')
      .as('previous')
      .select('pointer')
      .property(cardinality.single, 'current', next)
      .select('previous')
      .toList();
    return typeof previous === 'string' ? previous : undefined;
  }

  /**
   * Applies the changes in order: runs of upserts as planned requests, and each deleted account as one
   * drop of its vertex, which takes every edge in or out of it, in every generation (a rebuild under
   * way must not keep the person either).
   */
  private async write(generation: string, changes: readonly GraphChange[]): Promise<void> {
    let run: GraphChange[] = [];
    for (const change of changes) {
      if (change.kind !== 'forget-user') {
        run.push(change);
        continue;
      }
      await this.writeRun(generation, run);
      run = [];
      await this.g.V(this.userVertex(change.userId)).drop().iterate();
    }
    await this.writeRun(generation, run);
  }

  private async writeRun(generation: string, changes: readonly GraphChange[]): Promise<void> {
    for (let start = 0; start < changes.length; start += CHANGES_PER_REQUEST) {
      const { vertices, edges, dropped, rated } = this.plan(generation, changes.slice(start, start + CHANGES_PER_REQUEST));
      let request = this.g.inject(0);
      // Vertices first, so every edge finds both ends; then the edges whose last change added them, then
      // those whose last change removed them: the same end state as applying the changes one by one.
      if (vertices.length > 0) {
        request = request.sideEffect(__.constant(vertices).unfold().mergeV().property(cardinality.single, 'gen', generation));
      }
      if (edges.length > 0) request = request.sideEffect(__.constant(edges).unfold().mergeE());
      if (dropped.length > 0) {
        const from = [...new Set(dropped.map((edge) => edge.from))];
        request = request.sideEffect(__.V(...from).outE('friendOf', 'purchased').hasId(...dropped.map((edge) => edge.id)).drop());
      }
      await request.iterate();
      // A rating's stars change as drop-then-add (mergeE matches on every key it is given), in two
      // requests: a transactional graph (TinkerTransactionGraph, Neptune) refuses to add an element id
      // that the same transaction dropped. Both steps are idempotent, so a retry after either is safe;
      // between them the rating is briefly absent, never wrong.
      if (rated.length > 0) {
        const from = [...new Set(rated.map((edge) => edge.from))];
        await this.g.V(...from).outE('rated').hasId(...rated.map((edge) => edge.id)).drop().iterate();
        const adds = rated.flatMap((edge) => (edge.add ? [edge.add] : []));
        if (adds.length > 0) await this.g.inject(0).sideEffect(__.constant(adds).unfold().mergeE()).iterate();
      }
    }
  }

  /**
   * Reduces changes to the vertices they touch and, per edge, whether the last change left it there:
   * each change is an upsert or a removal of whole elements, so only the last one per edge counts.
   */
  private plan(generation: string, changes: readonly GraphChange[]) {
    const vertices = new Map<string, Map<unknown, unknown>>();
    const edges = new Map<string, { add: Map<unknown, unknown> } | { from: string }>();
    const rated = new Map<string, { id: string; from: string; add: Map<unknown, unknown> | null }>();
    const idOf = (label: 'user' | 'book', key: string): string => (label === 'user' ? this.userVertex(key) : this.bookVertex(key));
    // A removal adds no vertex (only `idOf`): it may arrive after the person's account was deleted and forgotten.
    const vertex = (label: 'user' | 'book', key: string, upsert = true): string => {
      const id = idOf(label, key);
      if (!upsert) return id;
      // The key sits in the match map: it is a function of the id, so it never stops a match.
      vertices.set(id, new Map<unknown, unknown>([[t.id, id], [t.label, label], ['key', key]]));
      return id;
    };
    const edge = (label: 'friendOf' | 'purchased', outKey: string, from: string, inKey: string, to: string, present: boolean) => {
      const id = this.edgeId(generation, label, outKey, inKey);
      const add = new Map<unknown, unknown>([[t.id, id], [t.label, label], [direction.out, from], [direction.in, to], ['gen', generation]]);
      edges.set(id, present ? { add } : { from });
    };
    for (const change of changes) {
      switch (change.kind) {
        case 'user':
          vertex('user', change.userId);
          break;
        case 'friendship': {
          const { userA, userB, friends } = change;
          const a = vertex('user', userA, friends);
          const b = vertex('user', userB, friends);
          edge('friendOf', userA, a, userB, b, friends);
          edge('friendOf', userB, b, userA, a, friends);
          break;
        }
        case 'purchase': {
          const bought = change.bought !== false;
          const buyer = vertex('user', change.userId, bought);
          for (const bookId of change.bookIds) edge('purchased', change.userId, buyer, bookId, vertex('book', bookId, bought), bought);
          break;
        }
        case 'rating': {
          const from = vertex('user', change.userId, change.stars !== null);
          const to = vertex('book', change.bookId, change.stars !== null);
          const id = this.edgeId(generation, 'rated', change.userId, change.bookId);
          const add =
            change.stars === null
              ? null
              : new Map<unknown, unknown>([[t.id, id], [t.label, 'rated'], [direction.out, from], [direction.in, to], ['gen', generation], ['stars', change.stars]]);
          rated.set(id, { id, from, add });
          break;
        }
      }
    }
    const planned = [...edges];
    return {
      vertices: [...vertices.values()],
      edges: planned.flatMap(([, edge]) => ('add' in edge ? [edge.add] : [])),
      dropped: planned.flatMap(([id, edge]) => ('from' in edge ? [{ id, from: edge.from }] : [])),
      rated: [...rated.values()],
    };
  }

  /**
   * Drops a generation's edges, then the vertices it was the last to write that no other generation's
   * edge still uses, `dropBatchSize` at a time so no request holds the server (or a Neptune
   * transaction) for long.
   */
  private async dropGeneration(generation: string): Promise<void> {
    await this.dropInBatches(() => this.g.E().has('gen', generation));
    await this.dropInBatches(() => this.g.V().has('gen', generation).not(__.bothE()));
  }

  private async dropInBatches(elements: () => Traversal): Promise<void> {
    for (;;) {
      const [dropped] = await elements()
        .limit(this.dropBatchSize)
        .fold()
        .sideEffect(__.unfold().drop())
        .count(scope.local)
        .toList();
      if (Number(dropped) < this.dropBatchSize) return;
    }
  }
}

/**
 * Keeps the edges of the current generation (labelled `gen` at the query's start), so a query never
 * walks another generation's edges.
 */
function current(edges: Traversal): Traversal {
  return edges.where(P.eq('gen')).by('gen').by();
}

/**
 * The connection with a deadline on each request. A late answer is dropped; the connection stays
 * open, since other requests may be sharing it and a server that only paused answers them again.
 */
function withRequestTimeout(connection: gremlin.RemoteConnection, ms: number): gremlin.RemoteConnection {
  return {
    get isOpen() {
      return connection.isOpen;
    },
    open: () => connection.open(),
    close: () => connection.close(),
    submit(bytecode) {
      const answer = connection.submit(bytecode);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Gremlin Server did not answer within ${ms} ms`)), ms);
      });
      return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
    },
  };
}

/** Counts distinct arrivals per vertex key, most first, ties by ascending key, at most `n`. */
function top(vertices: Traversal, n: number): Traversal {
  return vertices
    .groupCount()
    .by('key')
    .order(scope.local)
    .by(column.values, order.desc)
    .by(column.keys, order.asc)
    .limit(scope.local, n);
}

/** A groupCount answers one map (none if the start vertex is missing), in ranking order. */
function ranked(results: unknown[]): RankedBook[] {
  const [counts] = results;
  if (!(counts instanceof Map)) return [];
  return [...counts].map(([bookId, count]) => ({ bookId: String(bookId), count: Number(count) }));
}

/** Ascending by code unit, as SQLite's binary order and the server's string order agree on for our ids. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function queryLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}

function newGeneration(): string {
  return randomBytes(8).toString('hex');
}
