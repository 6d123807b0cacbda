import { foldText, words, type Word } from './tokens.js';

/** Says how much of a word to mark: the number of its leading characters, 0 for none. */
export type WordMarker = (word: Word, text: string) => number;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Marks every word `isMatch` accepts, whole. */
export function wholeWords(isMatch: (term: string) => boolean): WordMarker {
  return (word) => (word.terms.some(isMatch) ? word.end - word.start : 0);
}

/**
 * Characters of `word` that spell the folded `prefix`, so typing `eco` marks `Éco` in `Écoles`
 * even though folding changed the letters.
 */
export function prefixLength(word: string, prefix: string): number {
  const chars = Array.from(word);
  let length = 0;
  for (const char of chars) {
    length += char.length;
    if (foldText(word.slice(0, length)).replace(/[^\p{L}\p{N}]/gu, '').length >= prefix.length) return length;
  }
  return word.length;
}

/**
 * A text's words as offsets (word i runs from bounds[2i] to bounds[2i + 1]) with how many of each
 * word's leading characters to mark (0 for none): the one form the renderers read, so a caller that
 * keeps its words compactly marks them without making a Word each.
 */
export interface MarkedWords {
  readonly bounds: ArrayLike<number>;
  readonly marked: ArrayLike<number>;
}

function markedWords(text: string, spans: readonly Word[], mark: WordMarker): MarkedWords {
  const bounds = new Array<number>(2 * spans.length);
  const marked = new Array<number>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const word = spans[i]!;
    bounds[2 * i] = word.start;
    bounds[2 * i + 1] = word.end;
    marked[i] = mark(word, text);
  }
  return { bounds, marked };
}

function render(text: string, from: number, to: number, { bounds, marked }: MarkedWords, first: number, last: number): string {
  let html = '';
  let at = from;
  for (let i = first; i < last; i++) {
    const length = marked[i]!;
    if (length <= 0) continue;
    const start = bounds[2 * i]!;
    const end = start + Math.min(length, bounds[2 * i + 1]! - start);
    html += `${escapeHtml(text.slice(at, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  return html + escapeHtml(text.slice(at, to));
}

/** The whole text, HTML-escaped, with marked words wrapped in `<mark>`; `spans` are its words when already known. */
export function highlight(text: string, mark: WordMarker, spans: readonly Word[] = words(text)): string {
  return highlightMarked(text, markedWords(text, spans, mark));
}

/** As `highlight`, for words already marked. */
export function highlightMarked(text: string, words: MarkedWords): string {
  return render(text, 0, text.length, words, 0, words.marked.length);
}

/**
 * About `size` words of `text` around its densest run of marked words, HTML-escaped and marked,
 * with an ellipsis where text was cut.
 */
export function snippet(text: string, mark: WordMarker, size = 20, spans: readonly Word[] = words(text)): string {
  return snippetMarked(text, markedWords(text, spans, mark), size);
}

/** As `snippet`, for words already marked. */
export function snippetMarked(text: string, words: MarkedWords, size = 20): string {
  const { bounds, marked } = words;
  const count = marked.length;
  if (count <= size) return highlightMarked(text, words);
  let best = 0;
  let bestCount = -1;
  let hits = 0;
  for (let i = 0; i < count; i++) {
    if (marked[i]! > 0) hits++;
    if (i >= size && marked[i - size]! > 0) hits--;
    const start = i - size + 1;
    if (start >= 0 && hits > bestCount) {
      best = start;
      bestCount = hits;
    }
  }
  // Lead in with a little context before the first marked word instead of starting on it.
  let firstHit = best;
  while (firstHit < count && !(marked[firstHit]! > 0)) firstHit++;
  if (firstHit < count && firstHit - best > 3) best = firstHit - 3;
  best = Math.max(0, Math.min(best, count - size));
  const from = best === 0 ? 0 : bounds[2 * best]!;
  const last = best + size >= count;
  const to = last ? text.length : bounds[2 * (best + size - 1) + 1]!;
  return `${best === 0 ? '' : '… '}${render(text, from, to, words, best, best + size)}${last ? '' : ' …'}`;
}
