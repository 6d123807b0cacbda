import { PRICE_RANGES } from '../../../ports/search-index.js';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';
import { LIVE_TABLES, META, TOMBSTONES } from './schema.js';
import { topK } from './top-k.js';

export interface FacetFilters {
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  minRating?: number | undefined;
}

export interface FacetCounts {
  total: number;
  categories: Map<string, number>;
  /** Count per PRICE_RANGES index. */
  priceRanges: number[];
}

/** Told, inside the refresh, how the live documents changed: for indexes that follow the same tables. */
export interface AttributeListener {
  /**
   * Every document was (re)loaded: after a rebuild, or on the first refresh. `isLive` answers for the
   * reloaded state, which is that of `generation` and `seq`. `restored` when that state came from a
   * saved one (see AttributeStoreOptions.restore) rather than the tables: the changes made since its
   * `seq` follow as `written` and `removed` calls in the same refresh.
   */
  reloaded(state: { generation: number; seq: number; restored: boolean; isLive(key: number): boolean }): void;
  /**
   * The document under `key` was written (added or replaced) since the last refresh; `textSeq` is the
   * seq of the write that last changed its indexed text, so a listener that follows the text alone can
   * pass over price, rating and stock writes without reading the row again. `previousPriceRange`: the
   * PRICE_RANGES index it was counted in before, when it was live under this key already (else null).
   */
  written(key: number, textSeq: number, previousPriceRange: number | null): void;
  removed(key: number): void;
  /** The refresh that reported changes (or a reload) is over; the tables are at `generation` and `seq`. */
  refreshed(generation: number, seq: number): void;
}

/** The arrays of an AttributeStore, indexed by document key, as saved beside the tables for a restart. */
export interface AttributeState {
  live: Uint8Array;
  category: Int32Array;
  price: Float64Array;
  rating: Float64Array;
  year: Int32Array;
  /** The id of each key; '' for keys that are not live. */
  ids: string[];
  categoryNames: string[];
}

export interface AttributeStoreOptions {
  /**
   * A state saved at an earlier `seq` of the same `generation` that a reload may start from instead
   * of reading every row, or null when there is none that is both of these tables and worth catching up.
   */
  restore?: (generation: number, seq: number) => { seq: number; state: AttributeState } | null;
}

export type AttributeSort = 'price_asc' | 'price_desc' | 'rating' | 'newest';

type Row = [key: number, id: string, category: string, price: number, rating: number, year: number];
type ChangedRow = [...Row, textSeq: number];

const PRICE_BOUNDS = PRICE_RANGES.flatMap((r) => (r.to === undefined ? [] : [r.to]));

function priceRange(price: number): number {
  let i = 0;
  while (i < PRICE_BOUNDS.length && price >= PRICE_BOUNDS[i]!) i++;
  return i;
}

/**
 * A book's category and price range in one number (category × ranges + range), the cell of the
 * table of counts every facet and the total are sums of. At most this many cells fit its Uint16Array.
 */
const RANGES = PRICE_RANGES.length;
const MAX_CELLS = 0x10000;

/** A book's cell; past MAX_CELLS (thousands of categories) it is never read, as `count` counts the long way then. */
function cellOf(category: number, range: number): number {
  return (category * RANGES + range) & 0xffff;
}

/** Ratings in tenths: a book's bucket never exceeds that of a better-rated book. */
const RATING_BUCKETS = 51;

/**
 * The keys whose rating could place them among the best `wanted`: every key in the buckets (tenths
 * of a star) from the top down to the one where `wanted` is reached. A broad prefix such as `the`
 * matches most of the catalog; this leaves the heap a few hundred keys instead of all of them.
 */
function bestRated(keys: readonly number[], rating: Float64Array, wanted: number): number[] {
  const bucketOf = (r: number) => {
    const b = Math.floor(r * 10);
    return b >= RATING_BUCKETS - 1 ? RATING_BUCKETS - 1 : b > 0 ? b : 0;
  };
  const counts = new Int32Array(RATING_BUCKETS);
  for (let i = 0; i < keys.length; i++) counts[bucketOf(rating[keys[i]!]!)]!++;
  let floor = RATING_BUCKETS - 1;
  for (let seen = counts[floor]!; seen < wanted && floor > 0; ) seen += counts[--floor]!;
  return keys.filter((key) => bucketOf(rating[key]!) >= floor);
}

/**
 * The filter fields of every live book in typed arrays indexed by document key, so totals and facets
 * over tens of thousands of matches are one loop in memory instead of a join and a sort in SQLite.
 *
 * It follows the tables through `search_meta`: every write transaction takes the next `seq` and stamps
 * the rows it writes with it, so catching up after writes from any connection (this one, the
 * projection's, the CLI's) reads only the changed rows; a rebuild bumps `generation` and forces a reload.
 */
export class AttributeStore {
  private generation = -1;
  private seq = -1;
  // Possibly views over a snapshot's buffer (see adopt), hence ArrayBufferLike.
  private live: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private category: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private price: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /**
   * The PRICE_RANGES index of each price, kept beside it: counting a facet is then a table increment,
   * where testing the bounds per match mispredicts a branch or two on every book.
   */
  private priceRangeOf: Uint8Array = new Uint8Array(0);
  /**
   * Category and price range of each key as one cell (see MAX_CELLS): without price or rating filters
   * a count reads one small array per match instead of four, most of the time a count takes at 1M books.
   */
  private facetCell: Uint16Array = new Uint16Array(0);
  private rating: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private year: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private ids: string[] = [];
  /** The key of each live id; built on the first change after a restore, which needs none to answer searches. */
  private keyOfIdMap: Map<string, number> | null = new Map();
  private readonly categoryIds = new Map<string, number>();
  private categoryNames: string[] = [];
  private readonly meta: SqliteStatement;
  private readonly all: SqliteStatement;
  private readonly changedDocs: SqliteStatement;
  private readonly changedTombstones: SqliteStatement;

  constructor(
    db: SqliteDatabase,
    private readonly listener: AttributeListener | null = null,
    private readonly options: AttributeStoreOptions = {},
  ) {
    this.meta = db.prepare(`SELECT (SELECT value FROM ${META} WHERE name = 'generation') AS generation, (SELECT value FROM ${META} WHERE name = 'seq') AS seq`);
    const columns = 'doc_key, id, category, price, rating, year';
    this.all = db.prepare(`SELECT ${columns} FROM ${LIVE_TABLES.docs}`).raw();
    this.changedDocs = db.prepare(`SELECT ${columns}, text_seq FROM ${LIVE_TABLES.docs} WHERE seq > ?`).raw();
    this.changedTombstones = db.prepare(`SELECT id FROM ${TOMBSTONES} WHERE seq > ?`).pluck();
  }

  /** Identifies the state the arrays reflect; changes with every write and rebuild. */
  get version(): string {
    return `${this.generation}:${this.seq}`;
  }

  /** Catches up with the database; call inside the read transaction whose snapshot the arrays must match. */
  refresh(): void {
    const { generation, seq } = this.meta.get() as { generation: number; seq: number };
    let reloaded = false;
    if (generation !== this.generation) {
      reloaded = true;
      const saved = this.options.restore?.(generation, seq) ?? null;
      if (saved) {
        this.adopt(saved.state);
        this.generation = generation;
        this.seq = saved.seq;
        this.listener?.reloaded({ generation, seq: saved.seq, restored: true, isLive: (key) => this.live[key] === 1 });
      } else {
        this.reset();
        for (const row of this.all.iterate() as Iterable<Row>) this.set(row);
        this.generation = generation;
        this.seq = seq;
        this.listener?.reloaded({ generation, seq, restored: false, isLive: (key) => this.live[key] === 1 });
      }
    }
    if (seq !== this.seq) {
      // Removals first: a book removed and added again in this window is live under its new key.
      for (const id of this.changedTombstones.all(this.seq) as string[]) {
        const key = this.keyOfId.get(id);
        this.unset(id);
        if (key !== undefined) this.listener?.removed(key);
      }
      for (const row of this.changedDocs.all(this.seq) as ChangedRow[]) {
        const previous = this.keyHolding(row[1], row[0]);
        const previousPriceRange = previous === row[0] ? this.priceRangeOf[previous]! : null;
        this.set(row, previous);
        if (previous !== undefined && previous !== row[0]) this.listener?.removed(previous);
        this.listener?.written(row[0], row[6], previousPriceRange);
      }
    }
    const changed = reloaded || seq !== this.seq;
    this.generation = generation;
    this.seq = seq;
    if (changed) this.listener?.refreshed(generation, seq);
  }

  /**
   * The arrays as they are now, for saving (views, not copies: write them out before the next refresh).
   * Keys past the highest live one are left out.
   */
  state(): AttributeState {
    let slots = this.live.length;
    while (slots > 0 && this.live[slots - 1] === 0) slots--;
    const ids = new Array<string>(slots);
    for (let key = 0; key < slots; key++) ids[key] = this.live[key] === 1 ? this.ids[key]! : '';
    return {
      live: this.live.subarray(0, slots),
      category: this.category.subarray(0, slots),
      price: this.price.subarray(0, slots),
      rating: this.rating.subarray(0, slots),
      year: this.year.subarray(0, slots),
      ids,
      categoryNames: [...this.categoryNames],
    };
  }

  /** The id of a live document key; ties in relevance are broken by it. */
  idOf(key: number): string {
    return this.ids[key] ?? '';
  }

  /** The PRICE_RANGES index a live document key is counted in. */
  priceRangeIndex(key: number): number {
    return this.priceRangeOf[key] ?? 0;
  }

  /** The rating of a live document key. */
  ratingOf(key: number): number {
    return this.rating[key] ?? 0;
  }

  /** Matching books with every filter, and the disjunctive facets (each facet ignores its own filter). */
  count(keys: ArrayLike<number> | null, filters: FacetFilters): FacetCounts {
    const { minPrice, maxPrice, minRating } = filters;
    if (minPrice === undefined && maxPrice === undefined && minRating === undefined && this.categoryNames.length * RANGES <= MAX_CELLS) {
      return this.countByCell(keys, this.categoryId(filters));
    }
    const categoryCounts = new Int32Array(this.categoryNames.length);
    const rangeCounts = new Int32Array(PRICE_RANGES.length);
    const wanted = this.categoryId(filters);
    const { live, price: prices, category: categories, rating, priceRangeOf } = this;
    // No category filter as -2, which no category id is.
    const only = wanted ?? -2;
    const n = keys === null ? live.length : keys.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const key = keys === null ? i : keys[i]!;
      if (live[key] !== 1) continue;
      if (minRating !== undefined && !(rating[key]! >= minRating)) continue;
      const price = prices[key]!;
      const inPrice = (minPrice === undefined || price >= minPrice) && (maxPrice === undefined || price <= maxPrice);
      const category = categories[key]!;
      const inCategory = only === -2 || category === only;
      if (inPrice) categoryCounts[category]!++;
      if (inCategory) rangeCounts[priceRangeOf[key]!]!++;
      if (inPrice && inCategory) total++;
    }
    const facets = new Map<string, number>();
    categoryCounts.forEach((n, id) => {
      if (n > 0) facets.set(this.categoryNames[id]!, n);
    });
    return { total, categories: facets, priceRanges: Array.from(rangeCounts) };
  }

  /**
   * `count` with no filter but the category (`wanted`): one table of matches per (category, price
   * range) cell, whose rows and columns are the facets. A category facet ignores its own filter, so
   * it is every row's sum; the price ranges and the total are the wanted category's row alone.
   */
  private countByCell(keys: ArrayLike<number> | null, wanted: number | undefined): FacetCounts {
    const cells = new Int32Array(this.categoryNames.length * RANGES);
    const { live, facetCell } = this;
    if (keys === null) {
      for (let key = 0; key < live.length; key++) if (live[key] === 1) cells[facetCell[key]!]!++;
    } else {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (live[key] === 1) cells[facetCell[key]!]!++;
      }
    }
    const facets = new Map<string, number>();
    const priceRanges = new Array<number>(RANGES).fill(0);
    let total = 0;
    for (let category = 0; category < this.categoryNames.length; category++) {
      let n = 0;
      for (let r = 0; r < RANGES; r++) n += cells[category * RANGES + r]!;
      if (n > 0) facets.set(this.categoryNames[category]!, n);
      if (wanted !== undefined && category !== wanted) continue;
      for (let r = 0; r < RANGES; r++) priceRanges[r]! += cells[category * RANGES + r]!;
      total += n;
    }
    return { total, categories: facets, priceRanges };
  }

  /** Keys of one page of the books passing every filter, in `sort` order with ties by id. */
  page(keys: ArrayLike<number> | null, filters: FacetFilters, sort: AttributeSort, offset: number, limit: number): number[] {
    const wanted = this.categoryId(filters);
    const { minPrice, maxPrice, minRating } = filters;
    let passing: number[] = [];
    this.forEach(keys, (key) => {
      const price = this.price[key]!;
      if (minRating !== undefined && !(this.rating[key]! >= minRating)) return;
      if (minPrice !== undefined && price < minPrice) return;
      if (maxPrice !== undefined && price > maxPrice) return;
      if (wanted !== undefined && this.category[key] !== wanted) return;
      passing.push(key);
    });
    const byId = (a: number, b: number) => (this.ids[a]! < this.ids[b]! ? -1 : this.ids[a]! > this.ids[b]! ? 1 : 0);
    const { price, rating, year } = this;
    const depth = offset + limit;
    if (sort === 'rating' && passing.length > 4 * depth) passing = bestRated(passing, rating, depth);
    const orders: Record<AttributeSort, (a: number, b: number) => number> = {
      price_asc: (a, b) => price[a]! - price[b]! || byId(a, b),
      price_desc: (a, b) => price[b]! - price[a]! || byId(a, b),
      rating: (a, b) => rating[b]! - rating[a]! || byId(a, b),
      newest: (a, b) => year[b]! - year[a]! || byId(a, b),
    };
    return topK(passing, depth, orders[sort]).slice(offset);
  }

  /** A test of whether a live document passes every filter; null when there are no filters. */
  acceptor(filters: FacetFilters): ((key: number) => boolean) | null {
    const { minPrice, maxPrice, minRating } = filters;
    const wanted = this.categoryId(filters);
    if (minPrice === undefined && maxPrice === undefined && minRating === undefined && wanted === undefined) return null;
    const { price, rating, category } = this;
    return (key) => {
      if (minRating !== undefined && !(rating[key]! >= minRating)) return false;
      if (minPrice !== undefined && price[key]! < minPrice) return false;
      if (maxPrice !== undefined && price[key]! > maxPrice) return false;
      return wanted === undefined || category[key] === wanted;
    };
  }

  private categoryId(filters: FacetFilters): number | undefined {
    return filters.category === undefined ? undefined : (this.categoryIds.get(filters.category) ?? -1);
  }

  /** Visits the live keys among `keys`, or every live key. */
  private forEach(keys: ArrayLike<number> | null, visit: (key: number) => void): void {
    if (keys === null) {
      for (let key = 0; key < this.live.length; key++) if (this.live[key] === 1) visit(key);
    } else {
      for (let i = 0; i < keys.length; i++) if (this.live[keys[i]!] === 1) visit(keys[i]!);
    }
  }

  private reset(): void {
    this.live = new Uint8Array(0);
    this.category = new Int32Array(0);
    this.price = new Float64Array(0);
    this.priceRangeOf = new Uint8Array(0);
    this.facetCell = new Uint16Array(0);
    this.rating = new Float64Array(0);
    this.year = new Int32Array(0);
    this.ids = [];
    this.keyOfIdMap = new Map();
    this.categoryIds.clear();
    this.categoryNames = [];
  }

  /** Takes over a saved state's arrays as they are (they grow by copying, like any other, on the next key past them). */
  private adopt(state: AttributeState): void {
    this.reset();
    this.live = state.live;
    this.category = state.category;
    this.price = state.price;
    this.priceRangeOf = new Uint8Array(state.price.length);
    this.facetCell = new Uint16Array(state.price.length);
    for (let key = 0; key < state.price.length; key++) {
      this.priceRangeOf[key] = priceRange(state.price[key]!);
      this.facetCell[key] = cellOf(state.category[key]!, this.priceRangeOf[key]!);
    }
    this.rating = state.rating;
    this.year = state.year;
    this.ids = state.ids;
    this.categoryNames = [...state.categoryNames];
    this.categoryNames.forEach((name, id) => this.categoryIds.set(name, id));
    this.keyOfIdMap = null;
  }

  private get keyOfId(): Map<string, number> {
    if (this.keyOfIdMap === null) {
      const map = new Map<string, number>();
      for (let key = 0; key < this.live.length; key++) if (this.live[key] === 1) map.set(this.ids[key]!, key);
      this.keyOfIdMap = map;
    }
    return this.keyOfIdMap;
  }

  /**
   * The live key of `id`, looked up first under `key`, where a rewritten book stays: catching up a
   * million rewritten rows (a seed's stock changes) after a restore then builds no map of every id.
   */
  private keyHolding(id: string, key: number): number | undefined {
    return this.live[key] === 1 && this.ids[key] === id ? key : this.keyOfId.get(id);
  }

  private set([key, id, category, price, rating, year]: Row | ChangedRow, previous = this.keyHolding(id, key)): void {
    if (previous !== undefined && previous !== key) this.live[previous] = 0;
    // An id that stays under its key is in the map already, or will be when it is built.
    if (previous !== key) this.keyOfId.set(id, key);
    this.ensureCapacity(key + 1);
    let categoryId = this.categoryIds.get(category);
    if (categoryId === undefined) {
      categoryId = this.categoryNames.length;
      this.categoryIds.set(category, categoryId);
      this.categoryNames.push(category);
    }
    this.live[key] = 1;
    this.category[key] = categoryId;
    this.price[key] = price;
    this.priceRangeOf[key] = priceRange(price);
    this.facetCell[key] = cellOf(categoryId, this.priceRangeOf[key]!);
    this.rating[key] = rating;
    this.year[key] = year;
    this.ids[key] = id;
  }

  private unset(id: string): void {
    const key = this.keyOfId.get(id);
    if (key === undefined) return;
    this.live[key] = 0;
    this.keyOfId.delete(id);
  }

  private ensureCapacity(size: number): void {
    if (size <= this.live.length) return;
    const capacity = Math.max(size, this.live.length * 2, 1024);
    const grow = <T extends Uint8Array<ArrayBufferLike> | Uint16Array | Int32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike>>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.live = grow(this.live, (n) => new Uint8Array(n));
    this.category = grow(this.category, (n) => new Int32Array(n));
    this.price = grow(this.price, (n) => new Float64Array(n));
    this.priceRangeOf = grow(this.priceRangeOf, (n) => new Uint8Array(n));
    this.facetCell = grow(this.facetCell, (n) => new Uint16Array(n));
    this.rating = grow(this.rating, (n) => new Float64Array(n));
    this.year = grow(this.year, (n) => new Int32Array(n));
  }
}
