import type { SearchDocument } from '../../../ports/search-index.js';
import type { TermPlan } from '../../search-text/query-plan.js';
import { terms } from '../../search-text/tokens.js';
import { ftsString, matchExpression } from './fts-expression.js';

/** A book's title and author terms, as FTS5 holds them in those columns (search-text/ranking.ts's columnTerms). */
export interface TitleAndAuthors {
  title: readonly string[];
  authors: readonly string[];
  /** Every term is plain ASCII letters and digits: the only text whose tokens FTS5 and `terms` surely agree on. */
  plain: boolean;
}

export type SuggestColumn = 'title' | 'authors';

/**
 * An FTS5 expression over one column and the same test on one book's terms. The suggester's kept
 * lists catch up after a write by asking this of the written books instead of FTS5: FTS5 answers
 * a prefix expression for a few rows at the cost of its whole doclist, once per changed row.
 */
export interface ColumnMatch {
  expression: string;
  /** Whether the book matches, as FTS5 would say; null when only FTS5 can say (text beyond plain ASCII). */
  matches(book: TitleAndAuthors): boolean | null;
}

const PLAIN = /^[a-z0-9]+$/;

export function titleAndAuthors(doc: Pick<SearchDocument, 'title' | 'authors'>): TitleAndAuthors {
  const title = terms(doc.title);
  const authors = terms(doc.authors.join(' '));
  return { title, authors, plain: title.every((t) => PLAIN.test(t)) && authors.every((t) => PLAIN.test(t)) };
}

/** `words` next to each other from `at`, the last one as a prefix when `prefix`. */
function phraseAt(column: readonly string[], at: number, words: readonly string[], prefix: boolean): boolean {
  if (at + words.length > column.length) return false;
  const last = words.length - 1;
  for (let i = 0; i < last; i++) if (column[at + i] !== words[i]) return false;
  return prefix ? column[at + last]!.startsWith(words[last]!) : column[at + last] === words[last];
}

function anywhere(column: readonly string[], words: readonly string[], prefix: boolean): boolean {
  for (let at = 0; at + words.length <= column.length; at++) if (phraseAt(column, at, words, prefix)) return true;
  return false;
}

/** `column : ^ "w1 w2 …"[*]`: the column starts with these words, the last one typed as a prefix when `prefix`. */
export function leadingPhrase(column: SuggestColumn, words: readonly string[], prefix: boolean): ColumnMatch {
  const plain = words.length > 0 && words.every((w) => PLAIN.test(w));
  return {
    expression: `${column} : ^ ${ftsString(words.join(' '))}${prefix ? '*' : ''}`,
    matches: (book) => (plain && book.plain ? phraseAt(book[column], 0, words, prefix) : null),
  };
}

/** matchExpression(terms, column): every term (or one of its alternatives or splits) in the column. */
export function allTermsIn(column: SuggestColumn, plan: readonly TermPlan[]): ColumnMatch | null {
  const expression = matchExpression(plan, column);
  if (expression === null) return null;
  const plain = plan.every((t) => [t.term, ...t.alternatives, ...t.splits.flat()].every((w) => PLAIN.test(w)));
  return {
    expression,
    matches: (book) => {
      if (!plain || !book.plain) return null;
      const words = book[column];
      return plan.every(
        (t) => anywhere(words, [t.term], t.prefix) || t.alternatives.some((a) => words.includes(a)) || t.splits.some((s) => anywhere(words, s, false)),
      );
    },
  };
}
