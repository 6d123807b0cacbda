/**
 * The one tokenizer of both search indexes. Documents are indexed, queries are parsed and highlights
 * are marked with the same rules, so what the vocabulary, the index (FTS5 or OpenSearch, which both
 * receive these terms already split and folded) and the highlighter consider a term always agrees.
 */

/** A run of letters/digits in the original text and the folded terms it yields. */
export interface Word {
  start: number;
  end: number;
  terms: string[];
}

// Marks belong to the word so that decomposed input ("e" + U+0301) stays one word.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const TERM = /[\p{L}\p{N}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Case and diacritics folding, a superset of FTS5's `unicode61 remove_diacritics 2`, so the index
 * never folds a term further than the vocabulary did. Final sigma is the one letter unicode61 folds
 * that decomposition and lower-casing leave alone.
 */
export function foldText(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '').replace(/ς/g, 'σ');
}

function termsOfWord(word: string): string[] {
  // Compatibility decomposition can split a word (`½` becomes `1⁄2`), hence a list.
  if (ASCII.test(word)) return [word.toLowerCase()];
  return foldText(word).match(TERM) ?? [];
}

export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const terms = termsOfWord(m[0]);
    if (terms.length > 0) out.push({ start: m.index, end: m.index + m[0].length, terms });
  }
  return out;
}

export function terms(text: string): string[] {
  if (ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words(text).flatMap((w) => w.terms);
}

/** True when `text` ends inside a word, i.e. the user may still be typing its last term. */
export function endsInWord(text: string): boolean {
  return /[\p{L}\p{N}\p{M}]$/u.test(text);
}
