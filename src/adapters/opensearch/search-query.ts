/**
 * Query DSL for the OpenSearch search index. User text never reaches a query parser: it is split into
 * folded terms by the same rules as the embedded index, and each term becomes `match`, `prefix` and
 * fuzzy clauses, so quotes, operators and `field:` prefixes are plain separators.
 */
import { PRICE_RANGES, type SearchQuery } from '../../ports/search-index.js';
import { editDistance, maxEditsFor } from '../embedded/search/edit-distance.js';
import { parseQuery } from '../embedded/search/query-text.js';
import { isCorrectable } from '../embedded/search/typo-candidates.js';
import { FIELD_BOOSTS, MAX_NGRAM } from './search-index-template.js';

type Json = Record<string, unknown>;

/**
 * Typo budget per term length, the embedded index's: none up to 3 characters, one edit up to 7, two
 * beyond (OpenSearch's plain `AUTO` would already allow one edit at 3 characters).
 */
const FUZZINESS = 'AUTO:4,8';
/** Matches of the word as typed (whole or as the typed prefix) outweigh typo matches by this much. */
const EXACT_BOOST = 5;
const PREFIX_BOOST = 5;
/** A term found in more documents than this is taken as spelled right (the embedded `RARE_DF`). */
const RARE_DF = 3;
/** A rare term is corrected only to a near-spelling this many times more common (`hary` → `harry`). */
const RARE_RATIO = 10;

export interface TermPlan {
  term: string;
  /** The last term, still being typed: it also matches as a prefix. */
  prefix: boolean;
  /** Long enough (and not a number) for typo tolerance. */
  correctable: boolean;
}

export function planTerms(text: string): TermPlan[] {
  const parsed = parseQuery(text);
  return parsed.terms.map((term, i) => ({
    term,
    prefix: parsed.lastIsPrefix && i === parsed.terms.length - 1,
    correctable: isCorrectable(term),
  }));
}

export const NOT_DELETED: Json = { bool: { must_not: { term: { deleted: true } } } };

const boosted = (fields: ReadonlyArray<readonly [string, number]>) => fields.map(([f, b]) => `${f}^${b}`);

function fuzzy(t: TermPlan, fields: string[]): Json {
  return { multi_match: { query: t.term, fields, fuzziness: FUZZINESS, prefix_length: 0, max_expansions: 50, tie_breaker: 0.3 } };
}

/** One search term: the word as typed (and as a prefix while typed) ranks above its typo matches. */
function searchTerm(t: TermPlan): Json {
  const fields = boosted(FIELD_BOOSTS);
  const should: Json[] = [{ multi_match: { query: t.term, fields, tie_breaker: 0.3, boost: EXACT_BOOST } }];
  if (t.prefix) {
    should.push({ dis_max: { queries: FIELD_BOOSTS.map(([f, b]) => ({ prefix: { [f]: { value: t.term, boost: b * PREFIX_BOOST } } })) } });
  }
  if (t.correctable) should.push(fuzzy(t, fields));
  return { bool: { should, minimum_should_match: 1 } };
}

/** Every term must match (in any field); null for a query without terms, which matches every book. */
export function textQuery(terms: readonly TermPlan[]): Json | null {
  return terms.length === 0 ? null : { bool: { must: terms.map(searchTerm) } };
}

/** Every term must match within `field` alone; the typed prefix through the edge n-gram subfield. */
export function fieldMatch(terms: readonly TermPlan[], field: string): Json {
  return {
    bool: {
      must: terms.map((t) => {
        const should: Json[] = [{ match: { [field]: t.term } }];
        if (t.prefix) should.push(t.term.length <= MAX_NGRAM ? { match: { [`${field}.prefix`]: t.term } } : { prefix: { [field]: t.term } });
        if (t.correctable) should.push({ match: { [field]: { query: t.term, fuzziness: FUZZINESS, prefix_length: 0, max_expansions: 50 } } });
        return { bool: { should, minimum_should_match: 1 } };
      }),
    },
  };
}

/** Text whose folded words start with the typed words (the last one possibly unfinished). */
export function leadingMatch(field: string, typed: string, lastIsPrefix: boolean): Json {
  const line = `${field}.leading`;
  if (lastIsPrefix) return { prefix: { [line]: typed } };
  return { bool: { should: [{ term: { [line]: typed } }, { prefix: { [line]: `${typed} ` } }], minimum_should_match: 1 } };
}

export interface Filters {
  /** Applies to hits and to both facets. */
  rating: Json[];
  category: Json[];
  price: Json[];
}

export function filtersOf(query: SearchQuery): Filters {
  const price: Json = {};
  if (query.minPrice !== undefined) price.gte = query.minPrice;
  if (query.maxPrice !== undefined) price.lte = query.maxPrice;
  return {
    rating: query.minRating === undefined ? [] : [{ range: { rating: { gte: query.minRating } } }],
    category: query.category === undefined ? [] : [{ term: { category: query.category } }],
    price: Object.keys(price).length === 0 ? [] : [{ range: { price } }],
  };
}

const all = (clauses: Json[]): Json => (clauses.length === 0 ? { match_all: {} } : { bool: { filter: clauses } });

/** Disjunctive facets: each counts the matches with every filter but its own (the query has the rest). */
export function facetAggregations(filters: Filters): Json {
  return {
    categories: {
      filter: all(filters.price),
      aggs: { values: { terms: { field: 'category', size: 1000, order: [{ _count: 'desc' }, { _key: 'asc' }] } } },
    },
    prices: {
      filter: all(filters.category),
      aggs: { ranges: { range: { field: 'price', ranges: PRICE_RANGES.map((r) => ({ key: r.key, from: r.from, to: r.to })) } } },
    },
  };
}

/** Sort keys; the id last, so equal keys still give one order and `search_after` never skips or repeats. */
export function sortOf(query: SearchQuery, hasText: boolean): Json[] {
  const byId = { id: 'asc' };
  switch (query.sort) {
    case 'price_asc':
      return [{ price: 'asc' }, byId];
    case 'price_desc':
      return [{ price: 'desc' }, byId];
    case 'newest':
      return [{ year: 'desc' }, byId];
    case 'rating':
      return [{ rating: 'desc' }, byId];
    case 'relevance':
      // Without text there is no relevance: browsing by relevance lists the best rated first.
      return hasText ? [{ _score: 'desc' }, byId] : [{ rating: 'desc' }, byId];
  }
}

/**
 * What typo correction needs in the same request: per correctable term, how many live books contain
 * it (as a prefix while typed), and its near-spellings with their frequencies (term suggester).
 */
export function correctionRequest(terms: readonly TermPlan[]): { aggs: Json; suggest: Json } | null {
  const checked = terms.map((t, i) => [t, `t${i}`] as const).filter(([t]) => t.correctable);
  if (checked.length === 0) return null;
  const counts: Json = {};
  const suggest: Json = {};
  for (const [t, key] of checked) {
    counts[key] = t.prefix ? { prefix: { words: t.term } } : { match: { words: t.term } };
    suggest[key] = {
      text: t.term,
      term: {
        field: 'words',
        suggest_mode: 'always',
        max_edits: maxEditsFor(Array.from(t.term).length),
        prefix_length: 0,
        min_word_length: 4,
        // Terms in more documents than RARE_DF are never corrected, so none need suggestions.
        max_term_freq: RARE_DF,
        string_distance: 'damerau_levenshtein',
        accuracy: 0.1,
        size: 5,
        sort: 'score',
      },
    };
  }
  return { aggs: { vocabulary: { global: {}, aggs: { live: { filter: NOT_DELETED, aggs: { df: { filters: { filters: counts } } } } } } }, suggest };
}

export interface SuggestOption {
  text: string;
  freq: number;
}

/**
 * The query with each misspelt term replaced, as the embedded index decides it: a term is corrected
 * when it (or, while typed, no word it starts) is not in the index, or when it is rare and a
 * near-spelling is much more common. Undefined when nothing changed.
 */
export function correctedQuery(
  terms: readonly TermPlan[],
  df: (key: string) => number,
  options: (key: string) => readonly SuggestOption[],
): string | undefined {
  let changed = false;
  const out = terms.map((t, i) => {
    if (!t.correctable) return t.term;
    const key = `t${i}`;
    const count = df(key);
    if (t.prefix ? count > 0 : count > RARE_DF) return t.term;
    const best = options(key).find((o) => o.text !== t.term && (count === 0 || o.freq >= RARE_RATIO * count));
    if (!best) return t.term;
    changed = true;
    return best.text;
  });
  return changed ? out.join(' ') : undefined;
}

/** Whether a folded word satisfies one term the way the clauses above match it. */
export function termMatches(t: TermPlan, word: string): 'whole' | 'prefix' | null {
  if (word === t.term) return 'whole';
  if (t.correctable) {
    const edits = maxEditsFor(Array.from(t.term).length);
    if (editDistance(t.term, word, edits) <= edits) return 'whole';
  }
  return t.prefix && word.startsWith(t.term) ? 'prefix' : null;
}
