/**
 * Edits a query term of this many characters may be away from a vocabulary term: one for short words
 * (`kil`, `hobit`), two from seven letters on (`twilite`, `mockinbird`), none below three letters,
 * where one edit turns a word into too many others.
 */
export function maxEditsFor(length: number): number {
  if (length <= 2) return 0;
  if (length <= 6) return 1;
  return 2;
}

/**
 * Edits a vocabulary term of this many characters must be findable at: the most any query that can
 * reach it is allowed (a seven-letter query reaches five-letter terms with two edits).
 */
export function reachableEditsFor(length: number): number {
  let most = 0;
  for (let query = Math.max(1, length - 2); query <= length + 2; query++) {
    const edits = maxEditsFor(query);
    if (Math.abs(query - length) <= edits) most = Math.max(most, edits);
  }
  return most;
}

/**
 * What a typo costs: its edits, plus one when the first letter is wrong, which people get right far
 * more often than the rest (`kil` is `kill`, not `nil`).
 */
export function typoCost(typed: string, term: string, max: number): number {
  const firstDiffers = typed.codePointAt(0) !== term.codePointAt(0);
  const budget = firstDiffers ? max - 1 : max;
  if (budget < 0) return max + 1;
  const distance = editDistance(typed, term, budget);
  return distance > budget ? max + 1 : distance + (firstDiffers ? 1 : 0);
}

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form (an adjacent transposition is
 * one edit), over code points. Stops early and returns `max + 1` once the distance exceeds `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  // Without surrogate pairs code units are code points: no arrays of characters to make. The relevance
  // rules call this for every title and author word of a relaxed query's 64 best books.
  if (!hasSurrogates(a) && !hasSurrogates(b)) return unitDistance(a, b, max);
  return pointDistance(Array.from(a), Array.from(b), max);
}

function hasSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) return true;
  }
  return false;
}

/** Rows of the distance matrix reused between calls: two back, one back, the current one. */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

function unitDistance(s: string, t: string, max: number): number {
  const m = s.length;
  const n = t.length;
  if (Math.abs(m - n) > max) return max + 1;
  if (m === 0 || n === 0) return Math.min(Math.max(m, n), max + 1);
  if (rows[0]!.length <= n) rows = [new Int32Array(2 * n + 2), new Int32Array(2 * n + 2), new Int32Array(2 * n + 2)];
  let [prevPrev, prev, row] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    const si = s.charCodeAt(i - 1);
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = si === t.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && si === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === t.charCodeAt(j - 1)) d = Math.min(d, prevPrev[j - 2]! + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = row;
    row = spare;
  }
  return Math.min(prev[n]!, max + 1);
}

function pointDistance(s: readonly string[], t: readonly string[], max: number): number {
  if (Math.abs(s.length - t.length) > max) return max + 1;
  if (s.length === 0 || t.length === 0) return Math.min(Math.max(s.length, t.length), max + 1);
  let prevPrev: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return Math.min(prev[t.length]!, max + 1);
}
