import { maxEditsFor, typoCost } from './edit-distance.js';

/** Longer terms are identifiers or noise, and their deletion neighbourhoods grow quadratically. */
const MAX_FUZZY_LENGTH = 24;

export interface Neighbour {
  term: string;
  df: number;
  /** The typo's cost (typoCost): its edits, one more when the first letter differs. */
  distance: number;
}

function isNumeric(term: string): boolean {
  return /^\p{N}+$/u.test(term);
}

/** Whether an indexed term can be reached by a typo (shorter terms are only ever exact). */
export function isFuzzyTarget(term: string): boolean {
  const length = Array.from(term).length;
  return length >= 3 && length <= MAX_FUZZY_LENGTH && !isNumeric(term);
}

/** Whether a query term is long enough to be corrected. */
export function isCorrectable(term: string): boolean {
  return isFuzzyTarget(term) && maxEditsFor(Array.from(term).length) > 0;
}

/**
 * The candidates that are near-spellings of `term`: other indexed terms that typos can reach, in
 * some document, within the edits allowed for `term`'s length (a wrong first letter costing one more);
 * closest, then most frequent, first.
 * Each index finds candidates its own way (a superset is fine); this decides which count and in what order.
 */
export function nearSpellings(term: string, candidates: Iterable<{ term: string; df: number }>): Neighbour[] {
  const max = maxEditsFor(Array.from(term).length);
  if (max === 0) return [];
  const out: Neighbour[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c.term === term || c.df <= 0 || seen.has(c.term) || !isFuzzyTarget(c.term)) continue;
    seen.add(c.term);
    const distance = typoCost(term, c.term, max);
    if (distance <= max) out.push({ term: c.term, df: c.df, distance });
  }
  return out.sort((a, b) => a.distance - b.distance || b.df - a.df || (a.term < b.term ? -1 : 1));
}
