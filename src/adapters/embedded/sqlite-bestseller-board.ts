import { compareBestsellers, hourBucket, WINDOW_HOURS, type BestsellerEntry, type BestsellerWindow } from '../../domain/bestsellers.js';
import type { BestsellerBoard, BestsellerQuery, Sale } from '../../ports/bestseller-board.js';
import { migrate, openSqlite, type SqliteDatabase } from './sqlite-database.js';
import { liveTables, rebuildTables, type TableNames } from './sqlite-shadow-tables.js';

const TABLES = ['bestseller_recorded_orders', 'bestseller_counts', 'bestseller_hourly', 'bestseller_window_end'] as const;

type RollingWindow = Exclude<BestsellerWindow, 'all'>;
const ROLLING_WINDOWS = Object.entries(WINDOW_HOURS) as ReadonlyArray<[RollingWindow, number]>;

/** Hour buckets are kept for the longest window only: they exist to slide windows and answer windows that end elsewhere. */
const KEPT_HOURS = WINDOW_HOURS['7d'];

/**
 * Counts are kept per scope, the whole store and each category, so every top() reads one scope's
 * rows. The prefix keeps a category named like the overall scope from merging into it.
 */
const OVERALL_SCOPE = 'all';
const categoryScope = (category: string) => `category:${category}`;

/**
 * `bestseller_counts` holds, per window (`span`), the ranking top() reads: all-time, and each rolling
 * window as it stands at the hour in `bestseller_window_end`, so the usual query (windows ending at
 * the current hour) walks one index and stops at the limit instead of summing a week of hour buckets.
 * The window end moves with the newest sale; moving it subtracts the hours that fall out.
 */
function schema(names: TableNames): string {
  const orders = names('bestseller_recorded_orders');
  const counts = names('bestseller_counts');
  const hourly = names('bestseller_hourly');
  const windowEnd = names('bestseller_window_end');
  return `
    CREATE TABLE ${orders} (order_id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE ${counts} (
      span TEXT NOT NULL, scope TEXT NOT NULL, book_id TEXT NOT NULL, units INTEGER NOT NULL,
      -- A sale adds to every span of a book: keyed book first, those rows share a page.
      PRIMARY KEY (scope, book_id, span)
    ) WITHOUT ROWID;
    CREATE INDEX ${counts}_rank ON ${counts} (span, scope, units DESC, book_id);
    CREATE TABLE ${hourly} (
      scope TEXT NOT NULL, hour INTEGER NOT NULL, book_id TEXT NOT NULL, units INTEGER NOT NULL,
      PRIMARY KEY (scope, hour, book_id)
    ) WITHOUT ROWID;
    CREATE INDEX ${hourly}_hour ON ${hourly} (hour);
    CREATE TABLE ${windowEnd} (id INTEGER PRIMARY KEY CHECK (id = 1), hour INTEGER NOT NULL);
  `;
}

/** Writes sales into one generation of the board's tables (the live one, or a shadow being rebuilt). */
class BoardWriter {
  private readonly claimOrder;
  private readonly addCount;
  private readonly addHourly;
  private readonly readWindowEnd;
  private readonly writeWindowEnd;
  private readonly subtractHours;
  private readonly dropEmpty;
  private readonly clearSpan;
  private readonly dropHoursBefore;
  private readonly takeHourly;
  private readonly dropEmptyOfBook;
  private readonly dropEmptyHourly;

  constructor(names: TableNames, db: SqliteDatabase) {
    const counts = names('bestseller_counts');
    const hourly = names('bestseller_hourly');
    const windowEnd = names('bestseller_window_end');
    this.claimOrder = db.prepare<[string]>(`INSERT OR IGNORE INTO ${names('bestseller_recorded_orders')} (order_id) VALUES (?)`);
    this.addCount = db.prepare<[string, string, string, number]>(
      `INSERT INTO ${counts} (span, scope, book_id, units) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, book_id, span) DO UPDATE SET units = units + excluded.units`,
    );
    this.addHourly = db.prepare<[string, number, string, number]>(
      `INSERT INTO ${hourly} (scope, hour, book_id, units) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, hour, book_id) DO UPDATE SET units = units + excluded.units`,
    );
    this.readWindowEnd = db.prepare<[], { hour: number }>(`SELECT hour FROM ${windowEnd}`);
    this.writeWindowEnd = db.prepare<[number]>(
      `INSERT INTO ${windowEnd} (id, hour) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET hour = excluded.hour`,
    );
    this.subtractHours = db.prepare<[RollingWindow, number, number]>(
      `INSERT INTO ${counts} (span, scope, book_id, units)
       SELECT ?, scope, book_id, -SUM(units) FROM ${hourly} WHERE hour BETWEEN ? AND ? GROUP BY scope, book_id
       ON CONFLICT (scope, book_id, span) DO UPDATE SET units = units + excluded.units`,
    );
    this.dropEmpty = db.prepare<[RollingWindow]>(`DELETE FROM ${counts} WHERE span = ? AND units <= 0`);
    this.clearSpan = db.prepare<[RollingWindow]>(`DELETE FROM ${counts} WHERE span = ?`);
    this.dropHoursBefore = db.prepare<[number]>(`DELETE FROM ${hourly} WHERE hour < ?`);
    this.takeHourly = db.prepare<[number, string, number, string]>(`UPDATE ${hourly} SET units = units - ? WHERE scope = ? AND hour = ? AND book_id = ?`);
    this.dropEmptyOfBook = db.prepare<[string, string]>(`DELETE FROM ${counts} WHERE scope = ? AND book_id = ? AND units <= 0`);
    this.dropEmptyHourly = db.prepare<[string, number, string]>(`DELETE FROM ${hourly} WHERE scope = ? AND hour = ? AND book_id = ? AND units <= 0`);
  }

  /** Call inside a transaction, so the order id is claimed if and only if its units are counted. */
  record(sale: Sale): boolean {
    if (this.claimOrder.run(sale.orderId).changes === 0) return false;
    this.count(sale);
    return true;
  }

  /** Adds a sale's units without claiming its order id (a recount of books whose orders are claimed). */
  count(sale: Sale): void {
    const hour = hourBucket(sale.at);
    const end = this.slideWindowsTo(hour);
    const windows = ROLLING_WINDOWS.filter(([, hours]) => hour > end - hours).map(([window]) => window);
    for (const line of sale.lines) {
      for (const scope of [OVERALL_SCOPE, categoryScope(line.category)]) {
        this.addCount.run('all', scope, line.bookId, line.quantity);
        for (const window of windows) this.addCount.run(window, scope, line.bookId, line.quantity);
        this.addHourly.run(scope, hour, line.bookId, line.quantity);
      }
    }
  }

  /**
   * Call inside a transaction. The cancellation is claimed under its own id in the recorded-orders
   * table (`cancel:<orderId>`: no order id has a colon), so it counts once; a sale never recorded is
   * claimed too, so it is never counted afterwards, and nothing is taken off.
   */
  cancel(sale: Sale): boolean {
    if (this.claimOrder.run(`cancel:${sale.orderId}`).changes === 0) return false;
    if (this.claimOrder.run(sale.orderId).changes === 1) return true;
    const hour = hourBucket(sale.at);
    const end = this.windowEnd();
    const windows = end === undefined ? [] : ROLLING_WINDOWS.filter(([, hours]) => hour > end - hours).map(([window]) => window);
    for (const line of sale.lines) {
      for (const scope of [OVERALL_SCOPE, categoryScope(line.category)]) {
        this.addCount.run('all', scope, line.bookId, -line.quantity);
        for (const window of windows) this.addCount.run(window, scope, line.bookId, -line.quantity);
        this.takeHourly.run(line.quantity, scope, hour, line.bookId);
        this.dropEmptyOfBook.run(scope, line.bookId);
        this.dropEmptyHourly.run(scope, hour, line.bookId);
      }
    }
    return true;
  }

  windowEnd(): number | undefined {
    return this.readWindowEnd.get()?.hour;
  }

  /**
   * Makes the rolling windows end at `hour` if it is later than their end (which is therefore the
   * newest sale's hour, and no hour bucket lies past it); returns where they end.
   */
  private slideWindowsTo(hour: number): number {
    const end = this.windowEnd();
    if (end !== undefined && hour <= end) return end;
    if (end !== undefined) {
      for (const [window, hours] of ROLLING_WINDOWS) {
        if (hour - end >= hours) this.clearSpan.run(window);
        else {
          this.subtractHours.run(window, end - hours + 1, hour - hours);
          this.dropEmpty.run(window);
        }
      }
    }
    // Measured from the wall clock too, so a sale stamped far ahead cannot drop the buckets of today's windows.
    this.dropHoursBefore.run(Math.min(hour, hourBucket(Date.now())) - KEPT_HOURS + 1);
    this.writeWindowEnd.run(hour);
    return hour;
  }
}

/**
 * The bestseller board on SQLite. Rolling windows ending at the newest sale's hour are read ready
 * made; a window ending up to a quarter of its length later is that ranking minus the hours that fell out;
 * any other window sums hour buckets, which reach back 7 days from the newest sale (or from now, if
 * that is earlier). Safe to open from several processes.
 */
export class SqliteBestsellerBoard implements BestsellerBoard {
  private readonly live: BoardWriter;
  private readonly ranked;
  private readonly leftSince;
  private readonly summed;
  private readonly forgetBook;

  private constructor(readonly db: SqliteDatabase) {
    this.live = new BoardWriter(liveTables, db);
    const forgetCounts = db.prepare<[string]>(`DELETE FROM bestseller_counts WHERE book_id = ?`);
    const forgetHours = db.prepare<[string]>(`DELETE FROM bestseller_hourly WHERE book_id = ?`);
    this.forgetBook = (bookId: string) => {
      forgetCounts.run(bookId);
      forgetHours.run(bookId);
    };
    // `ORDER BY units DESC, book_id` is compareBestsellers: SQLite's binary order of the (ASCII) ids is JavaScript's.
    this.ranked = db.prepare<[string, string], BestsellerEntry>(
      `SELECT book_id AS bookId, units FROM bestseller_counts WHERE span = ? AND scope = ? ORDER BY units DESC, book_id`,
    );
    this.leftSince = db.prepare<[{ window: RollingWindow; scope: string; from: number; to: number }], BestsellerEntry>(
      `SELECT h.book_id AS bookId, c.units - SUM(h.units) AS units
       FROM bestseller_hourly AS h
       JOIN bestseller_counts AS c ON c.scope = h.scope AND c.book_id = h.book_id AND c.span = @window
       WHERE h.scope = @scope AND h.hour BETWEEN @from AND @to
       GROUP BY h.book_id`,
    );
    this.summed = db.prepare<[string, number, number, number], BestsellerEntry>(
      `SELECT book_id AS bookId, SUM(units) AS units FROM bestseller_hourly
       WHERE scope = ? AND hour BETWEEN ? AND ?
       GROUP BY book_id ORDER BY units DESC, book_id LIMIT ?`,
    );
  }

  static open(file: string): SqliteBestsellerBoard {
    const db = openSqlite(file, { durability: 'normal' });
    // The live schema is built by the same function as every rebuild's shadow, so they cannot drift.
    migrate(db, [schema(liveTables)]);
    return new SqliteBestsellerBoard(db);
  }

  async record(sale: Sale): Promise<boolean> {
    return this.db.transaction(() => this.live.record(sale)).immediate();
  }

  async cancel(sale: Sale): Promise<boolean> {
    return this.db.transaction(() => this.live.cancel(sale)).immediate();
  }

  async top(query: BestsellerQuery): Promise<BestsellerEntry[]> {
    const limit = Math.floor(query.limit);
    if (limit <= 0) return [];
    const scope = query.category === undefined ? OVERALL_SCOPE : categoryScope(query.category);
    if (query.window === 'all') return this.firstRanked('all', scope, limit);

    const window = query.window;
    const hours = WINDOW_HOURS[window];
    const last = hourBucket(query.now);
    // Read in one transaction so a concurrent slide cannot pair one window end with another's counts.
    return this.db.transaction(() => {
      const end = this.live.windowEnd();
      if (end === last) return this.firstRanked(window, scope, limit);
      // Sliding recounts the books of the hours that left, at about three times the cost per hour of
      // summing the hours that remain: slide while under a quarter of the window has left.
      if (end !== undefined && last > end && 4 * (last - end) <= hours) return this.slid(window, scope, limit, end, last);
      return this.summed.all(scope, last - hours + 1, last, limit);
    })();
  }

  async tally(query: Omit<BestsellerQuery, 'limit'>): Promise<BestsellerEntry[]> {
    return this.top({ ...query, limit: Number.MAX_SAFE_INTEGER });
  }

  async recount(bookId: string, sales: readonly Sale[]): Promise<void> {
    this.db
      .transaction(() => {
        this.forgetBook(bookId);
        for (const sale of sales) {
          const lines = sale.lines.filter((l) => l.bookId === bookId);
          if (lines.length > 0) this.live.count({ ...sale, lines });
        }
      })
      .immediate();
  }

  private firstRanked(span: BestsellerWindow, scope: string, limit: number, skip?: ReadonlySet<string>): BestsellerEntry[] {
    const entries: BestsellerEntry[] = [];
    for (const entry of this.ranked.iterate(span, scope)) {
      if (skip?.has(entry.bookId)) continue;
      entries.push(entry);
      if (entries.length === limit) break;
    }
    return entries;
  }

  /**
   * The stored ranking of `window` (ending at `end`) slid to end at `last`: books sold in the hours
   * that left it are recounted, every other book keeps its stored place.
   */
  private slid(window: RollingWindow, scope: string, limit: number, end: number, last: number): BestsellerEntry[] {
    const hours = WINDOW_HOURS[window];
    const recounted = this.leftSince.all({ window, scope, from: end - hours + 1, to: last - hours });
    const unchanged = this.firstRanked(window, scope, limit, new Set(recounted.map((e) => e.bookId)));
    return [...unchanged, ...recounted.filter((e) => e.units > 0)].sort(compareBestsellers).slice(0, limit);
  }

  async rebuild(load: (write: (sales: readonly Sale[]) => Promise<void>) => Promise<void>): Promise<void> {
    await rebuildTables(this.db, TABLES, schema, async (names) => {
      const shadow = new BoardWriter(names, this.db);
      const writeBatch = this.db.transaction((sales: readonly Sale[]) => {
        for (const sale of sales) shadow.record(sale);
      });
      await load(async (sales) => {
        writeBatch.immediate(sales);
      });
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
