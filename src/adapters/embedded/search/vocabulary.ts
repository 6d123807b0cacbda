import type { SqliteDatabase, SqliteStatement } from '../sqlite-database.js';
import { maxEditsFor } from '../../search-text/edit-distance.js';
import { nearSpellings, type Neighbour } from '../../search-text/near-spellings.js';
import type { TermStatistics } from '../../search-text/query-plan.js';
import type { IndexTables } from './schema.js';
import { deletionNeighbourhood, neighbourHash } from './typo-candidates.js';

/** Upper bound of every string starting with a prefix, in SQLite's binary (UTF-8) order. */
const MAX_CHAR = '\u{10FFFF}';

/** Read side of the vocabulary a writer keeps in `terms` and `neighbours`. */
export class Vocabulary implements TermStatistics {
  private readonly dfStatement: SqliteStatement;
  private readonly prefixStatement: SqliteStatement;
  private readonly completionsStatement: SqliteStatement;
  private readonly neighboursStatement: SqliteStatement;

  constructor(db: SqliteDatabase, t: IndexTables) {
    this.dfStatement = db.prepare(`SELECT df FROM ${t.terms} WHERE term = ?`).pluck();
    this.prefixStatement = db.prepare(`SELECT 1 FROM ${t.terms} WHERE term >= ? AND term < ? AND df > 0 LIMIT 1`).pluck();
    this.completionsStatement = db
      .prepare(`SELECT term FROM ${t.terms} WHERE term >= ? AND term < ? AND df > 0 ORDER BY df DESC, term LIMIT ?`)
      .pluck();
    this.neighboursStatement = db.prepare(
      `SELECT DISTINCT t.term, t.df FROM ${t.neighbours} n JOIN ${t.terms} t ON t.term_key = n.term_key
       WHERE n.hash IN (SELECT value FROM json_each(?)) AND t.df > 0`,
    );
  }

  /** Number of documents containing `term`. */
  df(term: string): number {
    return (this.dfStatement.get(term) as number | undefined) ?? 0;
  }

  hasPrefix(prefix: string): boolean {
    return this.prefixStatement.get(prefix, prefix + MAX_CHAR) !== undefined;
  }

  /** Terms starting with `prefix`, most frequent first. */
  completions(prefix: string, limit: number): string[] {
    return this.completionsStatement.all(prefix, prefix + MAX_CHAR, limit) as string[];
  }

  /** Other vocabulary terms within the edits allowed for `term`'s length, closest then most frequent first. */
  neighbours(term: string): Neighbour[] {
    const max = maxEditsFor(Array.from(term).length);
    if (max === 0) return [];
    const hashes = [...deletionNeighbourhood(term, max)].map(neighbourHash);
    return nearSpellings(term, this.neighboursStatement.all(JSON.stringify(hashes)) as Array<{ term: string; df: number }>);
  }
}
