/**
 * Query DSL for the OpenSearch search index. User text never reaches a query parser: it is planned
 * into folded terms, prefixes and near-spellings by the shared rules, and each becomes a `term` or
 * `prefix` clause on the pre-tokenized fields, so quotes, operators and `field:` prefixes are plain separators.
 *
 * Relevance is FTS5's bm25, computed the way SQLite does: for each query phrase (a term, the typed
 * prefix, a near-spelling) the column weights times its frequency in each column are summed (the
 * `term_frequency` similarity scores exactly that), then a script saturates the sum and weighs it by
 * the phrase's inverse document frequency and the book's length. The scores of all phrases add up.
 */
import { PRICE_RANGES, type SearchQuery } from '../../ports/search-index.js';
import { exactTerms, type QueryPlan, type TermPlan } from '../search-text/query-plan.js';
import { BM25_B, BM25_K1, bm25Idf, RANKED_COLUMNS } from '../search-text/ranking.js';
import { MAX_NGRAM } from './search-index-template.js';
import type { Corpus } from './search-statistics.js';

type Json = Record<string, unknown>;

/** Tombstones are documents too; every query and count leaves them out. */
export const NOT_DELETED: Json = { bool: { must_not: { term: { deleted: true } } } };

/**
 * Scales the scores of books that needed a near-spelling, so that they all rank after the books
 * matching the terms as typed (as the embedded index's tiers do) while keeping their own order:
 * scores are floats, whose relative precision is the same at any magnitude.
 */
export const CORRECTED_TIER = 1e-20;
/** Query name of the as-typed terms: a hit that matched it is in the first tier. */
export const AS_TYPED = 'as_typed';

const BM25_SCRIPT = `double f = _score;
return params.idf * ((f * (params.k1 + 1.0)) / (f + params.k1 * (1.0 - params.b + params.b * doc['length'].value / params.avgdl)));`;

/** What FTS5 calls a phrase: one term, or the typed prefix. */
export interface Phrase {
  term: string;
  prefix: boolean;
}

const phrasesOf = (t: TermPlan): Phrase[] => [{ term: t.term, prefix: t.prefix }, ...t.alternatives.map((term) => ({ term, prefix: false }))];

/** A phrase's clause on one ranked column (or its prefix subfield), boosted by the column's weight. */
function columnClause(p: Phrase, column: string, boost: number): Json {
  const field = `ranked.${column}`;
  if (!p.prefix) return { term: { [field]: { value: p.term, boost } } };
  if (Array.from(p.term).length <= MAX_NGRAM) return { term: { [`${field}.prefix`]: { value: p.term, boost } } };
  // Every expanded term scored, so the frequencies add up as on the n-gram subfield.
  return { prefix: { [field]: { value: p.term, boost, rewrite: 'scoring_boolean' } } };
}

function scoredPhrase(p: Phrase, corpus: Corpus): Json {
  return {
    script_score: {
      query: { bool: { should: RANKED_COLUMNS.map((c) => columnClause(p, c.name, c.weight)) } },
      script: {
        source: BM25_SCRIPT,
        params: { idf: bm25Idf(corpus.rows, corpus.hits(p.term, p.prefix)), avgdl: corpus.averageLength, k1: BM25_K1, b: BM25_B },
      },
    },
  };
}

/** A phrase as a filter on the vocabulary (every column at once). */
export function vocabularyMatch(p: Phrase): Json {
  return p.prefix ? { prefix: { vocabulary: p.term } } : { term: { vocabulary: p.term } };
}

const anyOf = (clauses: Json[]): Json => (clauses.length === 1 ? clauses[0]! : { bool: { should: clauses, minimum_should_match: 1 } });

/** Books matching every term of `terms` (as typed, as a prefix or a near-spelling), unscored. */
function textFilter(terms: readonly TermPlan[]): Json {
  return { bool: { filter: terms.map((t) => anyOf(phrasesOf(t).map(vocabularyMatch))) } };
}

/**
 * The text part of a search: null for a plan without terms (every book matches); scored by bm25 for
 * relevance, otherwise a plain filter.
 */
export function textQuery(plan: QueryPlan, corpus: Corpus, scored: boolean): { query: Json; scored: boolean } | null {
  if (plan.terms.length === 0) return null;
  if (!scored) return { query: textFilter(plan.terms), scored: false };
  const query: Json = { bool: { must: plan.terms.map((t) => anyOf(phrasesOf(t).map((p) => scoredPhrase(p, corpus)))) } };
  if (!plan.rankExactFirst) return { query, scored: true };
  const asTyped = textFilter(exactTerms(plan));
  return {
    query: {
      bool: {
        must: { function_score: { query, functions: [{ filter: { bool: { must_not: asTyped } }, weight: CORRECTED_TIER }], score_mode: 'multiply', boost_mode: 'multiply' } },
        // Scores nothing; names the first tier so that a hit's score can be reported unscaled.
        should: { constant_score: { filter: { bool: { filter: asTyped, _name: AS_TYPED } }, boost: 0 } },
      },
    },
    scored: true,
  };
}

/** Every term must match within one column alone (for suggestions); the typed prefix through its n-gram subfield. */
export function columnMatch(terms: readonly TermPlan[], column: string): Json {
  return { bool: { filter: terms.map((t) => anyOf(phrasesOf(t).map((p) => columnClause(p, column, 1)))) } };
}

/** Text whose folded line starts with the typed terms (the last one possibly unfinished). */
export function leadingMatch(field: string, typed: string, lastIsPrefix: boolean): Json {
  const line = `leading.${field}`;
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
export function sortOf(query: SearchQuery, scored: boolean): Json[] {
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
      return scored ? [{ _score: 'desc' }, byId] : [{ rating: 'desc' }, byId];
  }
}
