import { endsInWord, terms } from './tokens.js';

/** Longest input looked at: enough for any real query, bounded work for hostile ones. */
const MAX_QUERY_CHARS = 1000;
/** More terms than this add nothing to a book search but cost an AND branch each. */
export const MAX_QUERY_TERMS = 12;

export interface ParsedQuery {
  /** Folded terms in input order, de-duplicated, at most MAX_QUERY_TERMS. */
  terms: string[];
  /** The last term is still being typed and also matches as a prefix. */
  lastIsPrefix: boolean;
}

/**
 * Turns user text into plain terms. Nothing of the input's syntax survives: quotes, operators,
 * column filters and parentheses are separators, so the text can never become an FTS5 expression
 * or OpenSearch query syntax.
 */
export function parseQuery(text: string): ParsedQuery {
  const truncated = text.length > MAX_QUERY_CHARS;
  const input = truncated ? text.slice(0, MAX_QUERY_CHARS) : text;
  const all = terms(input);
  const unique = [...new Set(all)];
  const lastIsPrefix = !truncated && all.length > 0 && endsInWord(input);
  if (lastIsPrefix) {
    // The term being typed must stay last even if it also occurred earlier.
    const last = all[all.length - 1]!;
    const rest = unique.filter((t) => t !== last).slice(0, MAX_QUERY_TERMS - 1);
    return { terms: [...rest, last], lastIsPrefix };
  }
  return { terms: unique.slice(0, MAX_QUERY_TERMS), lastIsPrefix };
}
