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

function render(text: string, from: number, to: number, spans: readonly Word[], mark: WordMarker): string {
  let html = '';
  let at = from;
  for (const word of spans) {
    const marked = mark(word, text);
    if (marked <= 0) continue;
    const end = word.start + Math.min(marked, word.end - word.start);
    html += `${escapeHtml(text.slice(at, word.start))}<mark>${escapeHtml(text.slice(word.start, end))}</mark>`;
    at = end;
  }
  return html + escapeHtml(text.slice(at, to));
}

/** The whole text, HTML-escaped, with marked words wrapped in `<mark>`; `spans` are its words when already known. */
export function highlight(text: string, mark: WordMarker, spans: readonly Word[] = words(text)): string {
  return render(text, 0, text.length, spans, mark);
}

/**
 * About `size` words of `text` around its densest run of marked words, HTML-escaped and marked,
 * with an ellipsis where text was cut.
 */
export function snippet(text: string, mark: WordMarker, size = 20, spans: readonly Word[] = words(text)): string {
  if (spans.length <= size) return highlight(text, mark, spans);
  const hits = spans.map((w) => mark(w, text) > 0);
  let best = 0;
  let bestCount = -1;
  let count = 0;
  for (let i = 0; i < spans.length; i++) {
    if (hits[i]) count++;
    if (i >= size && hits[i - size]) count--;
    const start = i - size + 1;
    if (start >= 0 && count > bestCount) {
      best = start;
      bestCount = count;
    }
  }
  // Lead in with a little context before the first marked word instead of starting on it.
  const firstHit = hits.indexOf(true, best);
  if (firstHit >= 0 && firstHit - best > 3) best = firstHit - 3;
  best = Math.max(0, Math.min(best, spans.length - size));
  const window = spans.slice(best, best + size);
  const from = best === 0 ? 0 : window[0]!.start;
  const last = best + size >= spans.length;
  const to = last ? text.length : window[window.length - 1]!.end;
  return `${best === 0 ? '' : '… '}${render(text, from, to, window, mark)}${last ? '' : ' …'}`;
}
