import { randomBytes } from 'node:crypto';
import {
  PRICE_RANGES,
  type Highlights,
  type SearchDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
  type Suggestion,
} from '../../ports/search-index.js';
import { escapeHtml } from '../search-text/highlight.js';
import { parseQuery } from '../search-text/query-text.js';
import { columnTerms, termCount } from '../search-text/ranking.js';
import { checkSearchQuery } from '../search-text/search-checks.js';
import { terms } from '../search-text/tokens.js';
import { decodeCursor, encodeCursor, type SortValues } from './search-cursor.js';
import { generationName, SCHEMA_VERSION, searchIndexTemplate, stagingAlias, templateName } from './search-index-template.js';
import type { StagedRebuild } from '../../ports/staged-rebuild.js';
import { facetAggregations, filtersOf, NOT_DELETED, sortOf } from './search-query.js';
import {
  correctedQuery,
  decodeEntities,
  HIGHLIGHT,
  markedWords,
  queryWords,
  relevanceQuery,
  requiredWords,
  type Strictness,
} from './search-relevance.js';
import { plannedSearch, type SearchRequests } from './search-statistics.js';
import { suggestionsOf, suggestRequest, type SuggestSource } from './search-suggest.js';
import { StatisticsCache } from './statistics-cache.js';

type Json = Record<string, unknown>;

/**
 * The slice of `@opensearch-project/opensearch`'s `Client` this adapter uses (any client with these
 * methods fits). Errors are expected as the client throws them: non-2xx answers reject.
 */
export interface OpenSearchSearchClient {
  search(params: { index: string; body: Json }): Promise<{ body: unknown }>;
  /** `body` alternates each search's header and body, as `_msearch` takes them. */
  msearch(params: { index: string; body: Json[] }): Promise<{ body: unknown }>;
  count(params: { index: string; body: Json }): Promise<{ body: unknown }>;
  bulk(params: { body: Json[]; refresh?: 'wait_for' | boolean }): Promise<{ body: unknown }>;
  indices: {
    putIndexTemplate(params: { name: string; body: Json }): Promise<unknown>;
    create(params: { index: string; body?: Json }): Promise<unknown>;
    delete(params: { index: string }): Promise<unknown>;
    refresh(params: { index: string }): Promise<unknown>;
    getAlias(params: { name: string }): Promise<{ body: unknown }>;
    getMapping(params: { index: string }): Promise<{ body: unknown }>;
    updateAliases(params: { body: { actions: Json[] } }): Promise<unknown>;
  };
}

export interface OpenSearchSearchIndexOptions {
  client: OpenSearchSearchClient;
  /** The alias searches and writes go through; its indices are named `<alias>-gen-*`. Lower case. */
  alias: string;
  /**
   * How often new writes become searchable; every write waits for it (`refresh=wait_for`), so it is
   * also the latency of `upsert` and `remove`. Default `1s`, OpenSearch's own.
   */
  refreshInterval?: string;
  /** Replicas per index. Default 1; 0 on a single-node cluster keeps it green. */
  replicas?: number;
}

/** OpenSearch's default `index.max_result_window` bounds one page. */
const MAX_PAGE = 9_999;
/** A search finding fewer books than this with its words as typed also accepts typos (as Typesense's `typo_tokens_threshold`). */
const TYPO_THRESHOLD = 3;
/**
 * From this many required words a search sends its words as typed and with typos in one `_msearch`
 * instead of one after the other: such a query names one book, and its words as typed found fewer
 * than TYPO_THRESHOLD books for 207 of the relevance suite's 216 (bench/search-phases.ts). One word
 * finds enough as typed more often (342 of 600 in bench:profiles' query set), so it is not worth the
 * typo query's work there.
 */
const SPECULATE_FROM_WORDS = 2;
/** Actions per bulk request: large loads go in requests of a few megabytes. */
const BULK_ACTIONS = 1_000;
const SOURCE_FIELDS = ['id', 'isbn', 'title', 'authors', 'category', 'description', 'price', 'currency', 'coverUrl', 'rating', 'year', 'version'] as const;

interface Hit {
  _id: string;
  _score?: number | null;
  _source: Json;
  sort?: unknown[];
  highlight?: Record<string, string[]>;
}

interface SearchBody {
  hits: { total?: number | { value: number }; hits: Hit[] };
  aggregations?: {
    categories?: { values: { buckets: Array<{ key: string; doc_count: number }> } };
    prices?: { ranges: { buckets: Array<{ key: string; doc_count: number }> } };
  };
}

interface MultiSearchBody {
  responses: Array<{ error?: { type: string; reason?: string } }>;
}

interface BulkBody {
  errors: boolean;
  items: Array<Record<string, { _index?: string; status: number; error?: { type: string; reason?: string } }>>;
}

function documentOf(source: Json): SearchDocument {
  const doc: Json = {};
  for (const field of SOURCE_FIELDS) doc[field] = source[field];
  return doc as unknown as SearchDocument;
}

/** The book's fields and what the index derives from them with the shared tokenizer (see search-index-template). */
function sourceOf(doc: SearchDocument): Json {
  const source: Json = {};
  for (const field of SOURCE_FIELDS) source[field] = doc[field];
  const ranked = columnTerms(doc);
  source.ranked = ranked;
  source.length = termCount(ranked);
  source.leading = { title: ranked.title, authors: doc.authors.map((a) => terms(a).join(' ')) };
  return source;
}

interface VersionedWrite {
  id: string;
  version: number;
  source: Json;
  /** A book replaces only an older version; a removal also replaces the book at its own version. */
  versionType: 'external' | 'external_gte';
}

const bookWrite = (d: SearchDocument): VersionedWrite => ({ id: d.id, version: d.version, source: sourceOf(d), versionType: 'external' });
const tombstone = (id: string, version: number): VersionedWrite => ({ id, version, source: { id, deleted: true, version }, versionType: 'external_gte' });

/**
 * Versioned index actions: OpenSearch keeps the newest and rejects the rest with a 409. `viaAlias`:
 * `index` is the alias, and a write fails while it names none (the domain was wiped) instead of
 * creating an index under its name, which would keep any rebuild from ever putting the alias back.
 */
function indexActions(index: string, writes: readonly VersionedWrite[], viaAlias = false): Json[] {
  return writes.flatMap((w) => [
    { index: { _index: index, _id: w.id, version: w.version, version_type: w.versionType, ...(viaAlias ? { require_alias: true } : {}) } },
    w.source,
  ]);
}

function totalOf(response: SearchBody): number {
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

/**
 * The port's highlights from OpenSearch's: a field without a match is the escaped text; authors are
 * highlighted one by one, so each name takes its marked form when it has one.
 */
function highlightsOf(book: SearchDocument, highlight: Record<string, string[]> = {}): Highlights {
  // OpenSearch's HTML encoder also escapes `/`, which needs no escaping, and spells `'` in hex: the port's form as escapeHtml writes it.
  const marked = Object.fromEntries(
    Object.entries(highlight).map(([field, html]) => [field, html.map((h) => h.replaceAll('&#x2F;', '/').replaceAll('&#x27;', '&#39;'))]),
  );
  const authors = book.authors.map((name) => marked.authors?.find((html) => decodeEntities(html.replace(/<\/?mark>/g, '')) === name) ?? escapeHtml(name));
  return {
    title: marked.title?.[0] ?? escapeHtml(book.title),
    authors: authors.join(', '),
    description: marked.description?.[0] ?? escapeHtml(book.description.slice(0, 160)),
  };
}

function isStatus(error: unknown, status: number): boolean {
  return (error as { meta?: { statusCode?: number } } | null)?.meta?.statusCode === status;
}

/**
 * SearchIndex on OpenSearch: one index per generation behind an alias, created from an index template.
 * Searches are OpenSearch's own (search-relevance.ts): its analyzers, fuzziness and scoring, with
 * words as typed tried first, typos when that finds few books and noise words dropped when nothing
 * matches; highlights are OpenSearch's too. Suggestions are still planned by the shared rules from
 * term statistics (search-statistics.ts), on fields the adapter fills with the shared tokenizer.
 *
 * Writes carry the book's version as an external version, so OpenSearch itself rejects a book not
 * newer than what it holds; a removal is a tombstone document with its version (`external_gte`: it
 * also removes the book at that version), never deleted, so `index.gc_deletes` cannot forget it, and
 * left out of every query and of `count()`. Writes wait for a refresh, so they are searchable when
 * they resolve. Pages are `search_after` cursors. A rebuild fills a new index, named by a second alias
 * `<alias>-rebuilding` to which every instance's writes also go, then switches the alias in one
 * `_aliases` call; it may run in steps across processes (`staged`).
 *
 * An index made by an older template is migrated to a new generation, from its own `_source`, when
 * an instance first uses it.
 *
 * What it does not do: tombstones are never purged (one small document per removed book); a search
 * of one word costs one request, two when its word as typed finds fewer than TYPO_THRESHOLD books,
 * three when nothing matches; a search of several words sends both in one `_msearch` (the typo
 * query's work is wasted when the words as typed find enough), and a third request when nothing matches; popularity is the rating alone (units sold are not in the index); a
 * suggestion with terms this instance has not seen since its last write costs two requests (four
 * when a term is unknown or rare), later ones one `_msearch`; word completions in `suggest` come
 * from the best-rated matching books, not from the whole vocabulary;
 * a rebuild keeps a tombstone newer than the loaded version of its book (the embedded rebuild lets
 * the load win); a rebuild that begins takes the staging alias from one under way (which then fails
 * at its switch): several rebuilds of one alias are coordinated by the caller (a rebuild job record);
 * an old generation left by a process that died between the switch and the delete stays, under no
 * alias, until deleted by hand.
 */
export class OpenSearchSearchIndex implements SearchIndex {
  private readonly client: OpenSearchSearchClient;
  private readonly alias: string;
  private readonly template: Json;
  private ready: Promise<void> | null = null;
  /**
   * Statistics earlier searches fetched, checked with every search planned from them; emptied by this
   * instance's own writes, which would fail the check.
   */
  private readonly statistics = new StatisticsCache();
  private readonly requests: SearchRequests = {
    search: (body) => this.searchBody(body),
    searchAll: (bodies) => this.searchAll(bodies),
  };

  constructor(options: OpenSearchSearchIndexOptions) {
    this.client = options.client;
    this.alias = options.alias;
    this.template = searchIndexTemplate(options.alias, { refreshInterval: options.refreshInterval ?? '1s', replicas: options.replicas ?? 1 });
  }

  async upsert(docs: readonly SearchDocument[]): Promise<void> {
    await this.write(docs.map(bookWrite));
  }

  async remove(items: ReadonlyArray<{ id: string; version: number }>): Promise<void> {
    await this.write(items.map((i) => tombstone(i.id, i.version)));
  }

  async versions(): Promise<Map<string, number>> {
    await this.ensureIndex();
    const versions = new Map<string, number>();
    let after: unknown[] | undefined;
    for (;;) {
      const { body } = await this.client.search({
        index: this.alias,
        body: { size: BULK_ACTIONS, query: NOT_DELETED, sort: [{ id: 'asc' }], _source: ['id', 'version'], ...(after ? { search_after: after } : {}) },
      });
      const hits = (body as SearchBody).hits.hits;
      for (const hit of hits) versions.set(hit._id, hit._source.version as number);
      if (hits.length < BULK_ACTIONS) return versions;
      after = hits.at(-1)!.sort;
    }
  }

  /**
   * Each document is written at the external version the index holds for it if that is higher than
   * its own (`external_gte` replaces equal versions), so it lands over a newer copy or a tombstone;
   * its `version` field stays the book's.
   */
  async overwrite(docs: readonly SearchDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.ensureIndex();
    const held = new Map<string, number>();
    for (let at = 0; at < docs.length; at += BULK_ACTIONS) {
      const ids = docs.slice(at, at + BULK_ACTIONS).map((d) => d.id);
      const { body } = await this.client.search({ index: this.alias, body: { size: ids.length, query: { ids: { values: ids } }, version: true, _source: false } });
      for (const hit of (body as { hits: { hits: Array<{ _id: string; _version?: number }> } }).hits.hits) held.set(hit._id, hit._version ?? 0);
    }
    await this.write(docs.map((d) => ({ ...bookWrite(d), version: Math.max(d.version, held.get(d.id) ?? 0), versionType: 'external_gte' as const })));
  }

  async count(): Promise<number> {
    await this.ensureIndex();
    const { body } = await this.client.count({ index: this.alias, body: { query: NOT_DELETED } });
    return (body as { count: number }).count;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    checkSearchQuery(query);
    const after = decodeCursor(query);
    const pageSize = Math.min(query.limit, MAX_PAGE);
    await this.ensureIndex();
    const relevance = query.sort === 'relevance';
    const filters = filtersOf(query);
    const postFilter = [...filters.category, ...filters.price];
    const filter = [NOT_DELETED, ...filters.rating];
    const typed = queryWords(String(query.q ?? ''));
    const required = requiredWords(typed);
    const request = (words: readonly string[], strictness: Strictness): Json => {
      const text = words.length > 0 ? relevanceQuery(typed, words, strictness) : null;
      return {
        size: pageSize + 1,
        track_total_hits: true,
        _source: SOURCE_FIELDS,
        query: { bool: text ? { must: text, filter } : { filter } },
        ...(postFilter.length > 0 ? { post_filter: { bool: { filter: postFilter } } } : {}),
        aggs: facetAggregations(filters),
        sort: sortOf(query, text !== null && relevance),
        ...(text ? { highlight: HIGHLIGHT } : {}),
        ...(after ? { search_after: after } : {}),
        // A page number is an offset: SEARCH_MAX_PAGE keeps it inside the index's result window.
        ...(query.page !== undefined && query.page > 1 ? { from: (query.page - 1) * pageSize } : {}),
      };
    };
    let strictness: Strictness = 'exact';
    // `autocorrect: false` (the storefront's "search instead for …") is the words as typed, nothing more.
    const exact = request(required, 'exact');
    const typos = query.autocorrect !== false && required.length > 0 ? request(required, 'typos') : null;
    // Words too short for typos and numbers make the same request twice: once is enough.
    const widen = typos !== null && JSON.stringify(typos) !== JSON.stringify(exact);
    let response: SearchBody;
    if (widen && required.length >= SPECULATE_FROM_WORDS) {
      const [asTyped, withTypos] = (await this.searchAll([exact, typos])) as SearchBody[];
      response = totalOf(asTyped!) >= TYPO_THRESHOLD ? asTyped! : withTypos!;
      if (response === withTypos) strictness = 'typos';
    } else {
      response = (await this.searchBody(exact)) as SearchBody;
      if (widen && totalOf(response) < TYPO_THRESHOLD) {
        strictness = 'typos';
        response = (await this.searchBody(typos)) as SearchBody;
      }
    }
    if (typos !== null && totalOf(response) === 0) {
      strictness = 'relaxed';
      response = (await this.searchBody(request(required, strictness))) as SearchBody;
    }

    const page = response.hits.hits.slice(0, pageSize);
    const hits: SearchHit[] = page.map((h) => {
      const book = documentOf(h._source);
      return { book, score: h._score ?? 0, highlights: highlightsOf(book, h.highlight) };
    });
    const last = page.at(-1);
    const aggregations = response.aggregations;
    const priceCounts = new Map((aggregations?.prices?.ranges.buckets ?? []).map((b) => [b.key, b.doc_count]));
    const result: SearchResult = {
      hits,
      total: totalOf(response),
      facets: {
        categories: (aggregations?.categories?.values.buckets ?? []).map((b) => ({ value: b.key, count: b.doc_count })),
        priceRanges: PRICE_RANGES.map((r) => ({ ...r, count: priceCounts.get(r.key) ?? 0 })),
      },
      nextCursor: response.hits.hits.length > pageSize && last?.sort ? encodeCursor(query, last.sort as SortValues) : null,
    };
    if (hits.length > 0) {
      const corrected = correctedQuery(typed, required, strictness, page.map((h) => markedWords(Object.values(h.highlight ?? {}).flat())));
      if (corrected !== null) result.correctedQuery = corrected;
    }
    return result;
  }

  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    if (!Number.isInteger(limit) || limit < 1) return [];
    const text = String(prefix ?? '');
    const parsed = parseQuery(text);
    if (parsed.terms.length === 0) return [];
    await this.ensureIndex();
    const typed = terms(text).join(' ');
    const { plan, response } = await plannedSearch(parsed, false, this.requests, this.statistics, (planned) => suggestRequest(planned.plan, typed));
    const books = (response as SearchBody).hits.hits.map((h) => h._source as unknown as SuggestSource);
    return suggestionsOf(plan, text, books, Math.min(limit, 50));
  }

  async rebuild(load: (write: (docs: readonly SearchDocument[]) => Promise<void>) => Promise<void>): Promise<void> {
    const staged = await this.staged.begin();
    try {
      await load((docs) => this.staged.load(staged, docs));
      await this.staged.finish(staged);
    } catch (e) {
      // The load's failure is the one to report; abandon never drops an index the alias names.
      await this.staged.abandon(staged).catch(() => undefined);
      throw e;
    }
  }

  /**
   * The rebuild in steps, for a rebuild split over several processes (the rebuild function's
   * invocations): the new generation is named by a second alias, `<alias>-rebuilding`, and every
   * write of every instance (the stream function's included) goes to both aliases, so whatever is
   * applied while the copy is loaded reaches it too, whichever process applies it. Loads and writes
   * carry the books' versions, so their order does not matter.
   */
  readonly staged: StagedRebuild<SearchDocument> = {
    begin: () => this.beginStaged(),
    load: (staged, docs) => this.loadStaged(staged, docs),
    finish: (staged) => this.finishStaged(staged),
    abandon: (staged) => this.abandonStaged(staged),
  };

  private async beginStaged(): Promise<string> {
    await this.ensureIndex();
    return this.beginGeneration();
  }

  private async beginGeneration(): Promise<string> {
    // Again, not once per instance: a domain wiped or replaced since has lost the template the new generation needs.
    await this.client.indices.putIndexTemplate({ name: templateName(this.alias), body: this.template });
    const next = generationName(this.alias, `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
    await this.client.indices.create({ index: next });
    const staging = stagingAlias(this.alias);
    // One _aliases call moves the staging alias: once it is acknowledged, every writer's next bulk
    // writes to the new index too. A copy a rebuild that died left behind is under no alias after it.
    const stale = (await this.indicesOf(staging)).filter((index) => index !== next);
    await this.client.indices.updateAliases({
      body: { actions: [...stale.map((index) => ({ remove: { index, alias: staging } })), { add: { index: next, alias: staging } }] },
    });
    const live = await this.aliasIndices();
    for (const index of stale) if (!live.includes(index)) await this.client.indices.delete({ index }).catch(() => undefined);
    return next;
  }

  /**
   * Through the staging alias, never by the index's name: a load into an index another rebuild
   * dropped must fail, not create the index again from the template. (`finish` then refuses the
   * switch if the alias names another index than `_staged`.)
   */
  private async loadStaged(_staged: string, docs: readonly SearchDocument[]): Promise<void> {
    await this.bulk(indexActions(stagingAlias(this.alias), docs.map(bookWrite), true), false);
  }

  private async finishStaged(staged: string): Promise<void> {
    const previous = await this.aliasIndices();
    if (previous.length === 1 && previous[0] === staged) return;
    const staging = stagingAlias(this.alias);
    if (!(await this.indicesOf(staging)).includes(staged)) {
      throw new Error(`${staged} is no longer the index being rebuilt for ${this.alias} (another rebuild replaced it); start the rebuild again`);
    }
    // Tombstones outlive rebuilds: a removal stays in force against older events whatever the load held.
    for (const index of previous) await this.copyTombstones(index, staged);
    await this.client.indices.refresh({ index: staged });
    // One call, atomic: readers go from the old index to the new one, writers from both to the new one.
    await this.client.indices.updateAliases({
      body: {
        actions: [
          ...previous.map((index) => ({ remove: { index, alias: this.alias } })),
          { add: { index: staged, alias: this.alias } },
          { remove: { index: staged, alias: staging } },
        ],
      },
    });
    this.statistics.clear();
    if (previous.length > 0) await this.client.indices.delete({ index: previous.join(',') });
  }

  private async abandonStaged(staged: string): Promise<void> {
    if ((await this.aliasIndices()).includes(staged)) return;
    // Deleting the index removes its aliases with it.
    await this.client.indices.delete({ index: staged }).catch((e: unknown) => {
      if (!isStatus(e, 404)) throw e;
    });
  }

  /** The client belongs to the caller, who closes it; nothing here holds resources. */
  async close(): Promise<void> {}

  private async searchBody(body: Json): Promise<unknown> {
    return (await this.client.search({ index: this.alias, body })).body;
  }

  private async searchAll(bodies: Json[]): Promise<unknown[]> {
    const { body } = await this.client.msearch({ index: this.alias, body: bodies.flatMap((b) => [{}, b]) });
    return (body as MultiSearchBody).responses.map((response) => {
      // One round trip, one outcome: a failed part fails it all, as a failed search does.
      if (response.error) throw new Error(`OpenSearch rejected a search of ${this.alias}: ${response.error.type} ${response.error.reason ?? ''}`);
      return response;
    });
  }

  /**
   * Writes to the live index and to the one a rebuild is filling, whichever process runs it, waiting
   * until they are searchable. The staging alias names no index outside rebuilds: its half of the
   * bulk then fails alone, with a 404 that is expected.
   */
  private async write(writes: readonly VersionedWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.ensureIndex();
    const staging = stagingAlias(this.alias);
    try {
      await this.bulk([...indexActions(this.alias, writes, true), ...indexActions(staging, writes, true)], 'wait_for', staging);
    } finally {
      this.statistics.clear();
    }
  }

  /** `optional`: a target whose absence (404) is no error. */
  private async bulk(actions: Json[], refresh: 'wait_for' | false, optional?: string): Promise<void> {
    for (let at = 0; at < actions.length; at += 2 * BULK_ACTIONS) {
      const { body } = await this.client.bulk({ body: actions.slice(at, at + 2 * BULK_ACTIONS), refresh });
      const result = body as BulkBody;
      if (!result.errors) continue;
      for (const item of result.items) {
        const outcome = Object.values(item)[0];
        // 409: the index already holds this version or a newer one, which is the point of versioning.
        if (outcome?.error && outcome.status !== 409 && !(outcome.status === 404 && outcome._index === optional)) {
          throw new Error(`OpenSearch rejected a write to ${this.alias}: ${outcome.error.type} ${outcome.error.reason ?? ''}`);
        }
      }
    }
  }

  private async copyTombstones(from: string, to: string): Promise<void> {
    let after: unknown[] | undefined;
    for (;;) {
      const { body } = await this.client.search({
        index: from,
        body: { size: BULK_ACTIONS, query: { term: { deleted: true } }, sort: [{ id: 'asc' }], _source: ['id', 'version'], ...(after ? { search_after: after } : {}) },
      });
      const hits = (body as SearchBody).hits.hits;
      if (hits.length === 0) return;
      await this.bulk(indexActions(to, hits.map((h) => tombstone(h._id, h._source.version as number))), false);
      after = hits.at(-1)!.sort;
    }
  }

  private async schemaOf(index: string): Promise<number> {
    const { body } = await this.client.indices.getMapping({ index });
    const meta = (body as Record<string, { mappings?: { _meta?: { schema?: unknown } } }>)[index]?.mappings?._meta;
    return typeof meta?.schema === 'number' ? meta.schema : 1;
  }

  /**
   * Moves the books of an index made by an older template into a new generation, as a rebuild does
   * (writes meanwhile reach both; tombstones are carried over at the switch): the books' fields are
   * all in `_source`, so the index is its own source. Another instance migrating at the same time
   * makes one of the two fail at its switch; that one's next call finds the new index.
   */
  private async migrate(from: string): Promise<void> {
    const staged = await this.beginGeneration();
    try {
      let after: unknown[] | undefined;
      for (;;) {
        const { body } = await this.client.search({
          index: from,
          body: { size: BULK_ACTIONS, query: NOT_DELETED, sort: [{ id: 'asc' }], _source: SOURCE_FIELDS, ...(after ? { search_after: after } : {}) },
        });
        const hits = (body as SearchBody).hits.hits;
        if (hits.length === 0) break;
        await this.loadStaged(staged, hits.map((h) => documentOf(h._source)));
        after = hits.at(-1)!.sort;
      }
      await this.finishStaged(staged);
    } catch (e) {
      await this.abandonStaged(staged).catch(() => undefined);
      throw e;
    }
  }

  private aliasIndices(): Promise<string[]> {
    return this.indicesOf(this.alias);
  }

  private async indicesOf(alias: string): Promise<string[]> {
    try {
      const { body } = await this.client.indices.getAlias({ name: alias });
      return Object.keys(body as Json);
    } catch (e) {
      if (isStatus(e, 404)) return [];
      throw e;
    }
  }

  /** Puts the template and, for a new alias, its first index; once per instance (again after a failure). */
  private ensureIndex(): Promise<void> {
    this.ready ??= this.createIndex().catch((e: unknown) => {
      this.ready = null;
      throw e;
    });
    return this.ready;
  }

  private async createIndex(): Promise<void> {
    await this.client.indices.putIndexTemplate({ name: templateName(this.alias), body: this.template });
    const live = await this.aliasIndices();
    if (live.length > 0) {
      if ((await this.schemaOf(live[0]!)) < SCHEMA_VERSION) await this.migrate(live[0]!);
      return;
    }
    try {
      // A fixed first name: two instances starting together create one index, not two under one alias.
      await this.client.indices.create({ index: generationName(this.alias, 'first'), body: { aliases: { [this.alias]: {} } } });
    } catch (e) {
      if (!isStatus(e, 400) || !String((e as { message?: unknown }).message).includes('resource_already_exists')) throw e;
    }
  }
}
