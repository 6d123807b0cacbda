/**
 * The order a shopper expects among books that match a query, decided from the books' own text:
 * bucket ranking in the manner of Meilisearch, one rule after another, each only breaking the ties of
 * the rules before it:
 *
 * 1. coverage: how many of the required query terms the book matches (all of them unless the query
 *    was relaxed; then the books that match more of it come first),
 * 2. typos: the fewer edits needed, the better,
 * 3. how fully the title is named: the exact title, then the title (with or without its author)
 *    ignoring stop words, then an author's full name,
 * 4. how much of the title the query names (`mockingbird` is half of "To Kill a Mockingbird"), then
 *    whether it is the start of the title,
 * 5. where the terms are found: title, then author, then series, then category or description,
 * 6. the series order (the first book of a series before its sequels), then
 * 7. popularity (rating).
 *
 * Books still tied keep the order they came in (the index's bm25). The index supplies candidates
 * (the books matching the query, best bm25 first); this module never touches an index.
 */
import { maxEditsFor, typoCost } from './edit-distance.js';
import type { QueryPlan, TermPlan } from './query-plan.js';
import { isStopWord } from './stop-words.js';
import { terms } from './tokens.js';

export interface RankableBook {
  title: string;
  authors: readonly string[];
  category: string;
  description: string;
  rating: number;
}

/** `Title (Series Name, #2)`: the Goodreads way of naming a book's series and its place in it. */
const SERIES = /^(.*?)\s*\(([^()]*?),?\s*#(\d+(?:\.\d+)?)(?:\s*-\s*\d+(?:\.\d+)?)?\)\s*$/u;

export interface TitleParts {
  main: string;
  series: string | null;
  /** Place in the series; null outside one. */
  number: number | null;
}

export function titleParts(title: string): TitleParts {
  const m = SERIES.exec(title);
  if (!m || m[1]!.trim() === '') return { main: title, series: null, number: null };
  return { main: m[1]!, series: m[2]!, number: Number(m[3]) };
}

/** Field weights of rule 5. */
const WEIGHT = { title: 4, authors: 3, series: 2, other: 1 } as const;
type Field = keyof typeof WEIGHT;

/** Initials and suffixes that a shopper does not type when naming an author. */
const NAME_NOISE = new Set(['jr', 'sr', 'ii', 'iii']);

/**
 * A book's words as the rules read them. They depend on the book alone, so an index may keep them
 * per book version and hand them to `rankByRelevance` instead of tokenizing the book for each query.
 */
export interface BookTerms {
  readonly title: readonly string[];
  readonly series: readonly string[];
  readonly authors: ReadonlyArray<readonly string[]>;
  /**
   * Category and description words, each once in the order first met, between single spaces (with a
   * space before the first and after the last): read only when a term is not found in the named
   * fields. One string instead of a Set and a list of words: an index keeps thousands of these.
   */
  readonly other: string;
  readonly seriesNumber: number;
}

class TermsOfBook implements BookTerms {
  readonly title: readonly string[];
  readonly series: readonly string[];
  readonly authors: ReadonlyArray<readonly string[]>;
  readonly seriesNumber: number;
  private otherWords: string | null = null;

  constructor(private readonly book: RankableBook) {
    const parts = titleParts(book.title);
    this.title = terms(parts.main);
    this.series = parts.series === null ? [] : terms(parts.series);
    this.authors = book.authors.map((a) => terms(a));
    this.seriesNumber = parts.number ?? 1;
  }

  get other(): string {
    return (this.otherWords ??= ` ${[...new Set([...terms(this.book.category), ...terms(this.book.description)])].join(' ')} `);
  }
}

export function bookTerms(book: RankableBook): BookTerms {
  return new TermsOfBook(book);
}

/** The words of `other` (see BookTerms) as a list. */
function otherList(other: string): string[] {
  return other.length <= 2 ? [] : other.slice(1, -1).split(' ');
}

/**
 * Where in `other` (see BookTerms) a word starts that is `word` (`whole`) or begins with it, from
 * `from` on; -1 if none. Searched in place: this runs for each term and book of a rerank.
 */
function wordIn(other: string, word: string, whole: boolean, from = 0): number {
  for (let at = other.indexOf(word, from); at >= 0; at = other.indexOf(word, at + 1)) {
    if (other.charCodeAt(at - 1) === SPACE && (!whole || other.charCodeAt(at + word.length) === SPACE)) return at;
  }
  return -1;
}

const SPACE = 32;

/** `word` is one of the words of `other`. */
function hasWord(other: string, word: string): boolean {
  return wordIn(other, word, true) >= 0;
}

/** `left` is a word of `other` and `right` the next. */
function hasPair(other: string, left: string, right: string): boolean {
  for (let at = wordIn(other, left, true); at >= 0; at = wordIn(other, left, true, at + 1)) {
    const next = at + left.length + 1;
    if (other.startsWith(right, next) && other.charCodeAt(next + right.length) === SPACE) return true;
  }
  return false;
}

/**
 * Best edits for `t` among the words of `other`, as matchIn over its list would find them without
 * widening: the words are space-separated, so a whole word, a word's start and two neighbours are
 * found in the string itself.
 */
function otherEdits(t: TermPlan, other: string): number | null {
  if (wordIn(other, t.term, !t.prefix) >= 0) return 0;
  for (const [left, right] of t.splits) if (hasPair(other, left, right)) return 0;
  let best: number | null = null;
  for (let i = 0; i < t.alternatives.length; i++) {
    const word = t.alternatives[i]!;
    // planEdits reads the edits of a word's first place among the alternatives.
    if (t.alternatives.indexOf(word) !== i || (best !== null && t.edits[i]! >= best)) continue;
    if (hasWord(other, word)) best = t.edits[i]!;
  }
  return best;
}

/** Edits needed for a document term to match a query term through the plan, or null. */
function planEdits(t: TermPlan, word: string): number | null {
  if (word === t.term || (t.prefix && word.startsWith(t.term))) return 0;
  const i = t.alternatives.indexOf(word);
  return i >= 0 ? t.edits[i]! : null;
}

/**
 * Edits for `word` to match `t` when the relaxed query widens typo tolerance by one edit (`flys` for
 * `flies`); only in the short fields a shopper names, and only for words long enough to judge.
 */
function widenedEdits(t: TermPlan, word: string, max = widenedMax(t)): number | null {
  if (max === null || word.length < 4) return null;
  let cost = typoCost(t.term, word, max);
  // While a word is being typed, its start is what can be judged.
  if (t.prefix) cost = Math.min(cost, typoCost(t.term, word.slice(0, t.term.length), max));
  return cost <= max ? cost : null;
}

/** The edits a widened `t` allows, or null when it is too short or a number to be widened: once per term, not per word. */
function widenedMax(t: TermPlan): number | null {
  const length = Array.from(t.term).length;
  if (length < 4 || /^\p{N}+$/u.test(t.term)) return null;
  return maxEditsFor(length) + 1;
}

/**
 * Best edits for `t` among `words`, or null; the words matched (both words of a split) are marked in
 * `covered` when given.
 */
function matchIn(t: TermPlan, words: readonly string[], widened: number | null, covered: boolean[] | null): number | null {
  let best: number | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let edits = planEdits(t, word);
    if (edits === null) {
      for (const [left, right] of t.splits) if (word === left && words[i + 1] === right) edits = 0;
      if (edits !== null && covered !== null) covered[i + 1] = true;
    }
    if (edits === null && widened !== null) edits = widenedEdits(t, word, widened);
    if (edits === null) continue;
    if (covered !== null) covered[i] = true;
    if (best === null || edits < best) best = edits;
  }
  return best;
}

export interface RelevanceKey {
  coverage: number;
  typos: number;
  naming: number;
  /** Share of the title's words (stop words and single letters aside) that the query names. */
  titleShare: number;
  /** The query, in order, is the start of the title. */
  titleStart: number;
  fields: number;
  seriesNumber: number;
  rating: number;
}

export interface RankOptions {
  /**
   * The query was relaxed: compare titles and authors with one more typo edit than the plan allows,
   * so the book a dropped term nearly names still counts it. Off otherwise: every book then matches
   * all required terms through the plan, and the wider comparison would only cost time.
   */
  widen?: boolean;
}

/** The book's place under each rule, for `compareRelevance`. */
export function relevanceKey(plan: QueryPlan, book: RankableBook, options: RankOptions = {}, b: BookTerms = bookTerms(book)): RelevanceKey {
  // Loops rather than chains of map/filter: this runs for each of a search's best 64 books.
  const widen = options.widen ?? false;
  const titleCovered = new Array<boolean>(b.title.length).fill(false);
  const authorCovered = b.authors.map((a) => new Array<boolean>(a.length).fill(false));
  let coverage = 0;
  let typos = 0;
  let fields = 0;
  let allInTitle = true;
  let requiredInNamed = true;
  let anyInTitle = false;
  let allRequiredInNamed = true;
  for (const t of plan.terms) {
    const widened = widen ? widenedMax(t) : null;
    const inTitle = matchIn(t, b.title, widened, titleCovered);
    const inSeries = matchIn(t, b.series, widened, null);
    let bestAuthor: number | null = null;
    for (let i = 0; i < b.authors.length; i++) {
      const edits = matchIn(t, b.authors[i]!, widened, authorCovered[i]!);
      if (edits !== null && (bestAuthor === null || edits < bestAuthor)) bestAuthor = edits;
    }
    let inOther: number | null = null;
    if (inTitle !== null || inSeries !== null || bestAuthor !== null) {
      // Found in a named field: the description can only add the lowest weight, which that field beats.
    } else if (hasWord(b.other, t.term)) inOther = 0;
    else if (t.prefix || t.alternatives.length > 0 || t.splits.length > 0) inOther = otherEdits(t, b.other);
    if (inTitle !== null) anyInTitle = true;
    else allInTitle = false;
    if (!t.required) {
      if (inTitle !== null) fields += 0.1;
      continue;
    }
    if (inTitle === null && bestAuthor === null && inSeries === null && inOther === null) {
      allRequiredInNamed = false;
      continue;
    }
    coverage++;
    // The fewest edits among the fields it is found in, and the weight of the best of those fields.
    let edits = Infinity;
    for (const found of [inTitle, bestAuthor, inSeries, inOther]) if (found !== null && found < edits) edits = found;
    typos += edits;
    fields += inTitle !== null ? WEIGHT.title : bestAuthor !== null ? WEIGHT.authors : inSeries !== null ? WEIGHT.series : WEIGHT.other;
    if (inTitle === null && inSeries === null && bestAuthor === null) requiredInNamed = false;
  }
  requiredInNamed &&= allRequiredInNamed;

  // Title words covered: all of them, the significant ones (all when every word is a stop word), and
  // the shared ones (stop words and single letters aside).
  let allCovered = true;
  let significant = 0;
  let significantCovered = true;
  let shared = 0;
  let sharedCovered = 0;
  for (let i = 0; i < b.title.length; i++) {
    const word = b.title[i]!;
    const covered = titleCovered[i]!;
    if (!covered) allCovered = false;
    if (isStopWord(word)) continue;
    significant++;
    if (!covered) significantCovered = false;
    if (word.length > 1) {
      shared++;
      if (covered) sharedCovered++;
    }
  }
  const titleWordsCovered = significant > 0 ? significantCovered : allCovered;
  let naming = 0;
  if (b.title.length > 0 && allCovered && allInTitle) naming = 4;
  else if (anyInTitle && requiredInNamed && titleWordsCovered) naming = 3;
  else if (requiredInNamed && b.authors.some((a, i) => namesAuthor(a, authorCovered[i]!))) naming = 2;
  const titleShare = shared === 0 ? 0 : sharedCovered / shared;
  const titleStart = startsTitle(plan, b.title) ? 1 : 0;
  return { coverage, typos, naming, titleShare, titleStart, fields, seriesNumber: b.seriesNumber, rating: book.rating };
}

function namesAuthor(words: readonly string[], covered: readonly boolean[]): boolean {
  const names = words.map((w, i) => i).filter((i) => words[i]!.length > 1 && !NAME_NOISE.has(words[i]!));
  return names.length > 0 && names.every((i) => covered[i]);
}

/** The query, in order, is the start of the title (a leading article of the title may be left out). */
function startsTitle(plan: QueryPlan, title: readonly string[]): boolean {
  const query = plan.terms;
  if (query.length === 0) return false;
  const tryFrom = (start: number) =>
    query.length <= title.length - start &&
    query.every((t, i) => planEdits(t, title[start + i]!) !== null || t.splits.some(([l, r]) => l === title[start + i] && r === title[start + i + 1]));
  return tryFrom(0) || (title.length > 0 && isStopWord(title[0]!) && tryFrom(1));
}

/** Negative when `a` ranks first. */
export function compareRelevance(a: RelevanceKey, b: RelevanceKey): number {
  return (
    b.coverage - a.coverage ||
    a.typos - b.typos ||
    b.naming - a.naming ||
    b.titleShare - a.titleShare ||
    b.titleStart - a.titleStart ||
    b.fields - a.fields ||
    a.seriesNumber - b.seriesNumber ||
    b.rating - a.rating
  );
}

/** `items` in relevance order; ties keep their order (a stable sort). */
export function rankByRelevance<T>(
  plan: QueryPlan,
  items: readonly T[],
  bookOf: (item: T) => RankableBook,
  options: RankOptions = {},
  termsOf: (item: T) => BookTerms = (item) => bookTerms(bookOf(item)),
): T[] {
  const keyed = items.map((item) => ({ item, key: relevanceKey(plan, bookOf(item), options, termsOf(item)) }));
  keyed.sort((a, b) => compareRelevance(a.key, b.key));
  return keyed.map((k) => k.item);
}

/**
 * What was searched for, as the best book read it: each term as that book matched it (its typo
 * corrected, its run-together words split), terms it did not match left out. Null when that is
 * the query as typed.
 */
export function correctionFor(plan: QueryPlan, book: RankableBook, b: BookTerms = bookTerms(book)): string | null {
  const named = [b.title, b.series, ...b.authors];
  const out: string[] = [];
  for (const t of plan.terms) {
    let best: { word: string; edits: number } | null = null;
    const consider = (word: string, edits: number) => {
      if (best === null || edits < best.edits) best = { word, edits };
    };
    for (const list of [...named, otherList(b.other)]) {
      const widen = list !== named.at(-1) && named.includes(list);
      for (let i = 0; i < list.length; i++) {
        const w = list[i]!;
        const edits = planEdits(t, w);
        // Another spelling of the same word (a plural, a number in figures) is no correction.
        if (edits !== null) consider(edits === 0 ? t.term : w, edits);
        else if (t.splits.some(([l, r]) => l === w && r === list[i + 1])) consider(`${w} ${list[i + 1]}`, 0.5);
        else if (widen) {
          const widened = widenedEdits(t, w);
          if (widened !== null) consider(w, widened);
        }
      }
    }
    const found = best as { word: string; edits: number } | null;
    if (found) out.push(found.word);
    else if (!t.required) out.push(t.term);
  }
  const corrected = out.join(' ');
  return corrected === '' || corrected === plan.terms.map((t) => t.term).join(' ') ? null : corrected;
}
