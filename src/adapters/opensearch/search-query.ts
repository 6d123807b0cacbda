/**
 * Query DSL shared by the OpenSearch search index's requests: filters and disjunctive facets, sorts,
 * and the clauses suggestions are planned into (`term`/`prefix` on the pre-tokenized fields, so user
 * text never reaches a query parser). Relevance itself is search-relevance.ts.
 */
import { PRICE_RANGES, type SearchQuery } from '../../ports/search-index.js';
import type { TermPlan } from '../search-text/query-plan.js';
import { MAX_NGRAM } from './search-index-template.js';

type Json = Record<string, unknown>;

/** Tombstones are documents too; every query and count leaves them out. */
export const NOT_DELETED: Json = { bool: { must_not: { term: { deleted: true } } } };

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

/** A phrase as a filter on the vocabulary (every column at once). */
export function vocabularyMatch(p: Phrase): Json {
  return p.prefix ? { prefix: { vocabulary: p.term } } : { term: { vocabulary: p.term } };
}

const anyOf = (clauses: Json[]): Json => (clauses.length === 1 ? clauses[0]! : { bool: { should: clauses, minimum_should_match: 1 } });

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
