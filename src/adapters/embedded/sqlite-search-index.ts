import { randomBytes } from 'node:crypto';
import {
  PRICE_RANGES,
  type FacetCount,
  type PriceRangeCount,
  type SearchDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type Suggestion,
} from '../../ports/search-index.js';
import { hitHighlighter } from '../search-text/hit-highlights.js';
import { planQuery, requiredTerms, type QueryPlan } from '../search-text/query-plan.js';
import { parseQuery } from '../search-text/query-text.js';
import { correctionFor, rankByRelevance } from '../search-text/relevance.js';
import { checkSearchQuery } from '../search-text/search-checks.js';
import { migrate, openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite-database.js';
import { AttributeStore, type AttributeListener, type FacetCounts } from './search/attribute-store.js';
import { BookCache, type CachedBook } from './search/book-cache.js';
import { BestRatedMatches } from './search/best-rated-matches.js';
import { MatchingKeys } from './search/matching-keys.js';
import { ResultCache } from './search/result-cache.js';
import { SearchAnswers } from './search/search-answers.js';
import { decodeCursor, encodeCursor, MAX_RESULT_WINDOW } from './search/cursor.js';
import { ftsQuery, type FtsQuery } from './search/fts-expression.js';
import { IndexWriter, upgradeNeighbourhoods } from './search/index-writer.js';
import {
  COLUMN_WEIGHTS,
  createTablesSql,
  dropTablesSql,
  LIVE_TABLES,
  META,
  SEARCH_MIGRATIONS,
  SHADOW_TABLES,
  TOMBSTONES,
} from './search/schema.js';
import { Suggester } from './search/suggest.js';
import { SuggestBooks } from './search/suggest-books.js';
import { Vocabulary } from './search/vocabulary.js';
import { RankingIndex, type Execution } from './search/ranking-index/ranking-index.js';
import { rankedQueryOf, type RankedQuery } from './search/ranking-index/ranked-query.js';
import { columnWords } from './search/ranking-index/indexed-text.js';
import { SqliteRankingFeed, type RankingLoad } from './search/ranking-index/sqlite-ranking-feed.js';

const FTS = LIVE_TABLES.fts;
const DOCS = LIVE_TABLES.docs;
const BM25 = `bm25(${FTS}, ${COLUMN_WEIGHTS.join(', ')})`;
const FROM_MATCH = `${FTS} JOIN ${DOCS} d ON d.doc_key = ${FTS}.rowid`;
/** Rows read past the wanted ones to find the ties of the last; bm25 ties are rare, so this rarely grows. */
const TIE_SLACK = 8;
/**
 * The best matches by bm25 that the relevance rules (search-text/relevance.ts) put in order; matches
 * below keep their bm25 order. A fixed size, so every page of a search sees the same order.
 */
const RERANK_WINDOW = 64;
/**
 * Bytes of books kept parsed and tokenized for the rerank and the hits: about 22,000 generated books
 * (the windows of some 350 queries). 25,000 by count held about 280 MiB when their words were lists
 * of small objects, more than the ranking index of 100k books.
 */
const BOOK_CACHE_BYTES = 64 * 2 ** 20;
/** Answers kept per index version: at most this many, of at most these many bytes (see the sizes below). */
const SEARCH_CACHE = { entries: 500, bytes: 32 * 2 ** 20 };
const SUGGEST_CACHE = { entries: 2000, bytes: 8 * 2 ** 20 };
/**
 * Books whose title, authors and cover the suggester keeps (about 750 bytes each with their terms
 * split: some 30 MiB full). The kept lists of the benchmark's 1,126 prefixes name 24,000 books of 100k.
 */
const SUGGEST_BOOKS = 40_000;

/**
 * What a search answer holds, estimated: each hit's book (parsed, about four bytes a character of its
 * text; shared with the book cache while that keeps it) and its highlights (two bytes a character).
 */
function searchResultBytes(result: SearchResult): number {
  let bytes = 1024;
  for (const { book, highlights } of result.hits) {
    bytes += 256 + 4 * (book.title.length + book.description.length + book.category.length + book.authors.join('').length);
    bytes += 2 * ((highlights.title?.length ?? 0) + (highlights.authors?.length ?? 0) + (highlights.description?.length ?? 0));
  }
  return bytes;
}

function suggestionsBytes(suggestions: Suggestion[]): number {
  let bytes = 256;
  for (const s of suggestions) bytes += 128 + 2 * (s.text.length + s.highlighted.length + (s.authors?.join('').length ?? 0) + (s.coverUrl?.length ?? 0));
  return bytes;
}
/** A query matching fewer books than this with all its terms is relaxed to any of them. */
const RELAX_BELOW = 1;

interface RankedRow {
  key: number;
  rank: number;
  tier: number;
}

interface Conditions {
  sql: string[];
  params: Record<string, string | number>;
}

/** WHERE terms for the query's text and every filter. */
function conditions(query: SearchQuery, fts: FtsQuery): Conditions {
  const sql: string[] = [];
  const params: Record<string, string | number> = {};
  const add = (condition: string, name: string, value: string | number | null | undefined) => {
    if (value === undefined || value === null) return;
    sql.push(condition);
    params[name] = value;
  };
  add(`${FTS} MATCH @match`, 'match', fts.match);
  add('d.rating >= @minRating', 'minRating', query.minRating);
  add('d.category = @category', 'category', query.category);
  add('d.price >= @minPrice', 'minPrice', query.minPrice);
  add('d.price <= @maxPrice', 'maxPrice', query.maxPrice);
  return { sql, params };
}

function where(sql: readonly string[]): string {
  return sql.length === 0 ? '' : `WHERE ${sql.join(' AND ')}`;
}

export interface SqliteSearchIndexOptions {
  /**
   * Who ranks text queries: `memory` (default) a RankingIndex kept in step with the tables, `fts5`
   * SQLite's bm25() over every match. Both give the same answers (the parity test checks it); fts5 is
   * kept as the reference while both exist, and costs nothing to hold: it builds nothing in memory.
   */
  ranker?: 'memory' | 'fts5';
  /** Where the in-memory ranking's postings are saved between runs; none when null. Default: beside the database file. */
  rankingSnapshot?: string | null;
  /** Page cache of the connection, MiB (bulk loads; see SqliteOptions.cacheMiB). */
  cacheMiB?: number;
}

/** One listener telling each of `all` in turn. */
function listeners(all: ReadonlyArray<AttributeListener | null>): AttributeListener {
  const present = all.filter((l): l is AttributeListener => l !== null);
  return {
    reloaded: (state) => present.forEach((l) => l.reloaded(state)),
    written: (key, textSeq, previousPriceRange) => present.forEach((l) => l.written(key, textSeq, previousPriceRange)),
    removed: (key) => present.forEach((l) => l.removed(key)),
    refreshed: (generation, seq) => present.forEach((l) => l.refreshed(generation, seq)),
  };
}

function facetsOf(counts: FacetCounts): SearchResult['facets'] {
  const categories: FacetCount[] = [...counts.categories]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const priceRanges: PriceRangeCount[] = PRICE_RANGES.map((r, i) => ({ ...r, count: counts.priceRanges[i] ?? 0 }));
  return { categories, priceRanges };
}

/** Embedded SearchIndex: SQLite FTS5 with bm25 ranking, typo tolerance through a SymSpell-style vocabulary. */
export class SqliteSearchIndex implements SearchIndex {
  // Statements prepared on the live names recompile by themselves after a rebuild renames tables.
  private readonly writer: IndexWriter;
  private readonly vocabulary: Vocabulary;
  private readonly attributes: AttributeStore;
  private readonly suggester: Suggester;
  private readonly matching: MatchingKeys;
  private readonly searches: SearchAnswers;
  private readonly suggestions = new ResultCache<Suggestion[]>(SUGGEST_CACHE.entries, SUGGEST_CACHE.bytes, suggestionsBytes);
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly ranking: RankingIndex | null;
  private readonly rankingFeed: SqliteRankingFeed | null;
  private readonly books = new BookCache(BOOK_CACHE_BYTES);
  private readonly bestRated: BestRatedMatches;

  private constructor(
    readonly db: SqliteDatabase,
    options: SqliteSearchIndexOptions,
  ) {
    this.writer = new IndexWriter(db, LIVE_TABLES);
    this.vocabulary = new Vocabulary(db, LIVE_TABLES);
    let attributes: AttributeStore | undefined;
    const ln = db.prepare('SELECT ln(?)').pluck();
    const body = db.prepare(`SELECT doc FROM ${LIVE_TABLES.bodies} WHERE doc_key = ?`).pluck();
    const columnsOf = (key: number) => columnWords(JSON.parse(body.get(key) as string) as SearchDocument);
    this.searches = new SearchAnswers(
      SEARCH_CACHE.entries,
      SEARCH_CACHE.bytes,
      searchResultBytes,
      (key) => {
        const doc = body.get(key) as string | undefined;
        return doc === undefined ? undefined : columnWords(JSON.parse(doc) as SearchDocument);
      },
      (key) => attributes!.priceRangeIndex(key),
    );
    this.ranking =
      options.ranker === 'fts5' ? null : new RankingIndex((key) => attributes!.idOf(key), (x) => ln.get(x) as number, columnsOf);
    this.rankingFeed = this.ranking && new SqliteRankingFeed(db, this.ranking, options.rankingSnapshot ?? null, () => attributes!.state());
    this.bestRated = new BestRatedMatches(db, () => attributes!, (key) => {
      const doc = body.get(key) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as SearchDocument);
    });
    const feed = this.rankingFeed;
    // Books a suggestion reads, kept small and apart; those not held yet come through the shared book cache.
    const suggestBooks = new SuggestBooks(SUGGEST_BOOKS, (keys) => [...this.books.get(keys, (missing) => this.bodies(missing))].map(([key, book]) => [key, book.doc] as const));
    this.attributes = attributes = new AttributeStore(db, listeners([this.rankingFeed, this.books, this.bestRated, suggestBooks, this.searches]), {
      ...(feed && { restore: (generation: number, seq: number) => feed.restorable(generation, seq) }),
    });
    this.suggester = new Suggester(this.vocabulary, this.bestRated, suggestBooks);
    this.matching = new MatchingKeys(db);
  }

  static open(file: string, options: SqliteSearchIndexOptions = {}): SqliteSearchIndex {
    const db = openSqlite(file, { durability: 'normal', cacheMiB: options.cacheMiB });
    migrate(db, SEARCH_MIGRATIONS);
    upgradeNeighbourhoods(db, LIVE_TABLES);
    const rankingSnapshot = options.rankingSnapshot !== undefined ? options.rankingSnapshot : file === ':memory:' ? null : `${file}.ranking`;
    return new SqliteSearchIndex(db, { ...options, rankingSnapshot });
  }

  async upsert(docs: readonly SearchDocument[]): Promise<void> {
    if (docs.length > 0) this.writer.upsert(docs);
  }

  async remove(items: ReadonlyArray<{ id: string; version: number }>): Promise<void> {
    if (items.length > 0) this.writer.remove(items);
  }

  async versions(): Promise<Map<string, number>> {
    const rows = this.statement(`SELECT id, version FROM ${DOCS}`).raw().all() as Array<[string, number]>;
    return new Map(rows);
  }

  async overwrite(docs: readonly SearchDocument[]): Promise<void> {
    if (docs.length > 0) this.writer.overwrite(docs);
  }

  async count(): Promise<number> {
    return this.statement(`SELECT count(*) FROM ${DOCS}`).pluck().get() as number;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    checkSearchQuery(query);
    const offset = query.page !== undefined ? (query.page - 1) * query.limit : decodeCursor(query);
    const limit = Math.min(query.limit, MAX_RESULT_WINDOW - offset);
    const cacheKey = JSON.stringify([query.q, query.category, query.minPrice, query.maxPrice, query.minRating, query.sort, query.cursor, query.page, query.limit, query.autocorrect]);
    // One read transaction: the total, the facets and the page come from the same snapshot.
    return this.db.transaction(() => {
      this.attributes.refresh();
      const cached = this.searches.get(cacheKey);
      if (cached) return cached;
      const autocorrect = query.autocorrect !== false;
      const plan = planQuery(parseQuery(String(query.q ?? '')), this.vocabulary, { autocorrect });
      // The ranked window: the page, or the first RERANK_WINDOW that the relevance rules reorder.
      const wanted = query.sort === 'relevance' ? Math.max(offset + limit, RERANK_WINDOW) : 0;
      let fts = ftsQuery(plan);
      let ranked = this.ranking && rankedQueryOf(plan);
      let execution = this.execute(ranked, query, wanted);
      let matches = execution ? execution.matches : fts.match === null ? null : this.matching.get(fts.match);
      // No zero-result page for a query that names a book with a word too many or too far off.
      // Terms are dropped one at a time: books matching all terms but one, then all but two...
      const required = requiredTerms(plan).length;
      for (let keep = required - 1; autocorrect && matches !== null && matches.length < RELAX_BELOW && keep >= 1; keep--) {
        fts = ftsQuery(plan, keep);
        ranked = this.ranking && rankedQueryOf(plan, keep);
        execution = this.execute(ranked, query, wanted);
        matches = execution ? execution.matches : this.matching.get(fts.match!);
      }
      const counts = this.attributes.count(matches, query);
      const total = counts.total;
      const page = this.page(query, plan, fts, matches, offset, limit, total, execution);
      const hits = this.hits(page.rows, plan, page.docs);
      const end = offset + hits.length;
      const result: SearchResult = {
        hits,
        total,
        facets: facetsOf(counts),
        nextCursor: hits.length === limit && end < Math.min(total, MAX_RESULT_WINDOW) ? encodeCursor(query, end) : null,
      };
      // A relaxed query says what its best book matched; otherwise the plan's corrections.
      const correctedQuery = fts.relaxed ? (page.best ? correctionFor(plan, page.best.doc, page.best.terms) : null) : plan.correctedQuery;
      if (correctedQuery !== null) result.correctedQuery = correctedQuery;
      const filtered = [query.category, query.minPrice, query.maxPrice, query.minRating].some((f) => f !== undefined && f !== null);
      this.searches.set(cacheKey, result, {
        query: execution ? ranked : null,
        shown: [...page.window, ...page.rows.map((r) => r.key)],
        adjustable: query.sort === 'relevance' && !filtered,
      });
      return result;
    })();
  }

  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    if (!Number.isInteger(limit) || limit < 1) return [];
    const text = String(prefix ?? '');
    const cacheKey = JSON.stringify([text, limit]);
    return this.db.transaction(() => {
      this.attributes.refresh();
      const version = this.attributes.version;
      const cached = this.suggestions.get(version, cacheKey);
      if (cached) return cached;
      const result = this.suggester.suggest(text, Math.min(limit, 50));
      this.suggestions.set(version, cacheKey, result);
      return result;
    })();
  }

  async rebuild(load: (write: (docs: readonly SearchDocument[]) => Promise<void>) => Promise<void>): Promise<void> {
    // Leftovers of a rebuild that crashed; the live tables are untouched until the swap.
    this.db.exec(dropTablesSql(SHADOW_TABLES));
    this.db.exec(createTablesSql(SHADOW_TABLES, `search_${randomBytes(6).toString('hex')}`));
    const shadow = new IndexWriter(this.db, SHADOW_TABLES, false);
    try {
      await load(async (docs) => {
        if (docs.length > 0) shadow.upsert(docs);
      });
      // One segment instead of the hundreds a bulk load leaves: faster queries from the first search on.
      this.db.exec(`INSERT INTO ${SHADOW_TABLES.fts} (${SHADOW_TABLES.fts}) VALUES ('optimize')`);
    } catch (e) {
      this.db.exec(dropTablesSql(SHADOW_TABLES));
      throw e;
    }
    this.db
      .transaction(() => {
        this.db.exec(dropTablesSql(LIVE_TABLES));
        for (const key of Object.keys(LIVE_TABLES) as Array<keyof typeof LIVE_TABLES>) {
          this.db.exec(`ALTER TABLE ${SHADOW_TABLES[key]} RENAME TO ${LIVE_TABLES[key]}`);
        }
        // The load is the truth for the books it holds; tombstones keep guarding the others.
        this.db.exec(`DELETE FROM ${TOMBSTONES} WHERE id IN (SELECT id FROM ${DOCS})`);
        this.db.exec(`UPDATE ${META} SET value = value + 1 WHERE name = 'generation'`);
      })
      .immediate();
  }

  /** How the in-memory ranking was last loaded (null before the first search, or with the fts5 ranker). */
  get rankingLoad(): RankingLoad | null {
    return this.rankingFeed?.lastLoad ?? null;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Catches up first, so the saved postings are those of the tables as they are now.
    if (this.rankingFeed?.lastLoad) {
      this.db.transaction(() => this.attributes.refresh())();
      this.rankingFeed.save();
    }
    if (this.db.open) this.db.close();
  }

  private statement(sql: string): SqliteStatement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Document keys of the requested page, in order, with their relevance when sorted by it, and the
   * bodies already read. Only relevance needs SQLite (bm25) and the relevance rules; the other orders
   * pick the page from the matches in memory.
   */
  private page(
    query: SearchQuery,
    plan: QueryPlan,
    fts: FtsQuery,
    matches: Int32Array | null,
    offset: number,
    limit: number,
    total: number,
    execution: Execution | null,
  ): { rows: Array<{ key: number; score: number }>; docs: Map<number, CachedBook>; best: CachedBook | null; window: number[] } {
    const docs = new Map<number, CachedBook>();
    if (fts.match === null || query.sort !== 'relevance') {
      if (limit <= 0 || offset >= total) return { rows: [], docs, best: null, window: [] };
      // Without text there is no relevance: browsing by relevance lists the best rated first.
      const sort = query.sort === 'relevance' ? 'rating' : query.sort;
      return { rows: this.attributes.page(matches, query, sort, offset, limit).map((key) => ({ key, score: 0 })), docs, best: null, window: [] };
    }
    if (total === 0) return { rows: [], docs, best: null, window: [] };
    // The in-memory ranking's scores are FTS5's bm25() negated: the same rows, the same order.
    const ranked = execution
      ? execution.ranked.map((r) => ({ key: r.key, rank: -r.score, tier: r.tier }))
      : this.ranked(query, fts, Math.max(offset + limit, RERANK_WINDOW));
    const windowSize = Math.min(RERANK_WINDOW, ranked.length);
    const keys = new Array<number>(windowSize);
    for (let i = 0; i < windowSize; i++) keys[i] = ranked[i]!.key;
    const books = this.books.get(keys, (missing) => this.bodies(missing));
    const window: Array<{ row: RankedRow; book: CachedBook }> = [];
    for (let i = 0; i < windowSize; i++) {
      const book = books.get(keys[i]!);
      if (book !== undefined) window.push({ row: ranked[i]!, book });
    }
    const reranked = rankByRelevance(plan, window, (w) => w.book.doc, { widen: fts.relaxed }, (w) => w.book.terms);
    // The order is the reranked window, then the ranked rows past it.
    const length = reranked.length + Math.max(0, ranked.length - RERANK_WINDOW);
    const rowAt = (i: number) => (i < reranked.length ? reranked[i]!.row : ranked[RERANK_WINDOW + i - reranked.length]!);
    const rows: Array<{ key: number; score: number }> = [];
    if (limit > 0) for (let i = offset; i < Math.min(length, offset + limit); i++) {
      const row = rowAt(i);
      rows.push({ key: row.key, score: -row.rank });
    }
    return { rows, docs: books, best: reranked.length > 0 ? reranked[0]!.book : null, window: keys };
  }

  /**
   * The one point where the ranking index runs a planned query: every match (for totals and facets)
   * and, when sorted by relevance, the first `wanted` accepted by the filters, in the FTS5 path's
   * (tier, bm25, id) order. Null when the FTS5 path ranks instead, or the plan has no text.
   */
  private execute(ranked: RankedQuery | null, query: SearchQuery, wanted: number): Execution | null {
    if (!this.ranking || !ranked) return null;
    return this.ranking.execute(ranked, wanted, this.attributes.acceptor(query));
  }

  /**
   * The first `wanted` matches in (tier, bm25, id) order. SQLite only orders by (tier, bm25), so its
   * LIMIT keeps a small sorter instead of sorting every match with its id; the rows tied with the
   * last wanted one are fetched too and the ids break the ties here, from the in-memory attributes.
   * Without filters the FTS table is read alone: joining the docs table for every match cost up to twice as much.
   */
  private ranked(query: SearchQuery, fts: FtsQuery, wanted: number): RankedRow[] {
    const c = conditions(query, fts);
    const filtered = [query.category, query.minPrice, query.maxPrice, query.minRating].some((f) => f !== undefined && f !== null);
    // Matches of the terms as typed come before matches that needed a typo correction.
    let tier = '0';
    if (fts.exact !== null) {
      tier = `CASE WHEN ${FTS}.rowid IN (SELECT rowid FROM ${FTS} WHERE ${FTS} MATCH @exact) THEN 0 ELSE 1 END`;
      c.params.exact = fts.exact;
    }
    const statement = this.statement(
      `SELECT ${FTS}.rowid AS key, ${BM25} AS rank, ${tier} AS tier FROM ${filtered ? FROM_MATCH : FTS} ${where(c.sql)}
       ORDER BY tier, rank LIMIT @limit`,
    );
    for (let slack = TIE_SLACK; ; slack *= 4) {
      const rows = statement.all({ ...c.params, limit: wanted + slack }) as RankedRow[];
      const last = rows[wanted - 1];
      const beyond = rows[rows.length - 1];
      // Done when every row tied with the last wanted one is among the rows read.
      if (rows.length < wanted + slack || !last || !beyond || beyond.tier !== last.tier || beyond.rank !== last.rank) {
        const id = (key: number) => this.attributes.idOf(key);
        return rows.sort((a, b) => a.tier - b.tier || a.rank - b.rank || (id(a.key) < id(b.key) ? -1 : id(a.key) > id(b.key) ? 1 : 0)).slice(0, wanted);
      }
    }
  }

  private bodies(keys: readonly number[]): Map<number, SearchDocument> {
    // One lookup per key: cheaper than an IN over json_each(?), which also needed the keys as JSON.
    const body = this.statement(`SELECT doc FROM ${LIVE_TABLES.bodies} WHERE doc_key = ?`).pluck();
    const out = new Map<number, SearchDocument>();
    for (const key of keys) {
      const doc = body.get(key) as string | undefined;
      if (doc !== undefined) out.set(key, JSON.parse(doc) as SearchDocument);
    }
    return out;
  }

  private hits(ranked: ReadonlyArray<{ key: number; score: number }>, plan: QueryPlan, read: ReadonlyMap<number, CachedBook>): SearchHit[] {
    if (ranked.length === 0) return [];
    let missing: number[] | null = null;
    for (const { key } of ranked) if (!read.has(key)) (missing ??= []).push(key);
    const more = missing === null ? null : this.books.get(missing, (keys) => this.bodies(keys));
    const highlights = hitHighlighter(plan);
    const hits: SearchHit[] = [];
    for (const { key, score } of ranked) {
      const book = read.get(key) ?? more?.get(key);
      if (book !== undefined) hits.push({ book: book.doc, score, highlights: highlights(book.doc, book.spans) });
    }
    return hits;
  }
}
