/**
 * Words a shopper adds or leaves out without meaning anything by it (`angels and demons` for
 * "Angels & Demons", `tale two cities`). A query never requires them while it holds other words;
 * they still count towards how exactly a title is named. Kept short: each one listed can no longer
 * narrow a search.
 */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'he', 'her', 'his', 'i', 'in', 'into',
  'is', 'it', 'its', 'of', 'on', 'or', 'she', 'that', 'the', 'their', 'this', 'to', 'was', 'with',
]);

export function isStopWord(term: string): boolean {
  return STOP_WORDS.has(term);
}

const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
];

/**
 * Other ways to write the same word that a title may use instead: a number in figures or in words
 * (`slaughterhouse 5`, `seven habits`), and a plural or possessive without its `s`
 * (`hitchhikers guide`, `sorcerers stone`: the index splits `Sorcerer's` into `sorcerer` and `s`).
 */
export function equivalentSpellings(term: string): string[] {
  const out: string[] = [];
  const asWord = NUMBER_WORDS[Number(term)];
  if (/^\d{1,2}$/.test(term) && asWord !== undefined) out.push(asWord);
  const asNumber = NUMBER_WORDS.indexOf(term);
  if (asNumber >= 0) out.push(String(asNumber));
  if (term.length >= 4 && term.endsWith('s') && !term.endsWith('ss')) out.push(term.slice(0, -1));
  return out;
}
