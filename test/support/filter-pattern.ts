/**
 * Lambda's event filtering (the FilterCriteria of an event source mapping), for the part of its pattern
 * syntax this repository uses: objects of fields, ending in arrays of rules, each rule a literal that
 * must equal the value or `{ prefix }`. Any other rule throws, so a pattern that grows past this
 * stand-in is noticed instead of matched wrongly. A record passes when every field of the pattern does.
 */
export function matchesFilterPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((rule) => matchesRule(rule, value));
  if (pattern === null || typeof pattern !== 'object') throw new Error(`a filter pattern's fields end in arrays of rules, not ${JSON.stringify(pattern)}`);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([field, inner]) => matchesFilterPattern(inner, (value as Record<string, unknown>)[field]));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (rule !== null && typeof rule === 'object') {
    const prefix = (rule as { prefix?: unknown }).prefix;
    if (typeof prefix === 'string' && Object.keys(rule).length === 1) return typeof value === 'string' && value.startsWith(prefix);
    throw new Error(`filter rule ${JSON.stringify(rule)} is not understood here`);
  }
  return value === rule;
}
