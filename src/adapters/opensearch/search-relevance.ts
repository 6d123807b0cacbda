/**
 * Text relevance on OpenSearch with OpenSearch's own means, not the embedded index's plan: the book
 * text is analyzed by the index (search-index-template.ts: folding, possessives, plurals, `&`, series
 * text), each typed word becomes one clause over the weighted fields that accepts the word as typed,
 * typos within `fuzziness: AUTO` (one edit from 3 letters, two from 7 in the title and authors) and, while it is typed, any
 * word it starts; a typo in the first letter scores less than one after it. Stop words never have
 * to match, but score when they do, as does the whole text as a phrase in the title. A book's rating
 * breaks near-ties.
 *
 * Every word must match, first as typed (`exact`); when that finds fewer than a few books, typos are
 * accepted too (`typos`), the books matching as typed still first, so a correct query is not diluted
 * by near-spellings of its words. When that finds nothing, any of the words may match, and books
 * rank by how many they match (`relaxed`, Typesense's token dropping): a noise word or one far from
 * every word no longer empties the page.
 */
import { editDistance, maxEditsFor } from '../search-text/edit-distance.js';
import { endsInWord, terms } from '../search-text/tokens.js';
import { SERIES_OPENER } from './search-index-template.js';

type Json = Record<string, unknown>;

/** Longest input looked at, as the embedded parser: enough for any real query, bounded work for hostile ones. */
const MAX_QUERY_CHARS = 1000;
/** More words than this add nothing to a book search but cost a clause each. */
const MAX_WORDS = 12;

/**
 * Lucene's English stop words without `no` and `not`, which change what a title means. They are
 * optional in a query, never dropped from the index.
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it of on or such that the their then there these they this to was will with'.split(' '),
);

/**
 * The weighted fields a word is looked for in: the title proper (without series text) first, then
 * the authors, the whole title, category and description. `best_fields` scores the best field and a
 * little of the others.
 */
const FIELDS = ['title.proper^5', 'authors^3', 'title^1.5', 'title.joined^2', 'category.text^1', 'description^1'];
const TIE_BREAKER = 0.2;
/** Edits allowed by word length: none below 3 letters, one up to 6 (`kil`, `poter`), two from 7 (`mokingbird`). */
const FUZZINESS = 'AUTO:3,7';
/**
 * The fields a long word is also looked for with two edits in: the title proper and the authors,
 * which is where a shopper's long misspelled words point. Lucene builds a two-edit automaton per
 * field and query, and the highlighter again per hit (about 1.5 ms each on this loaded machine,
 * against 0.15 ms for one edit): over all six fields that was most of a typo search's time. The
 * other fields take one edit; the relevance suite's results did not change.
 */
const TWO_EDIT_FIELDS = ['title.proper^5', 'authors^3'];
const ONE_EDIT_FIELDS = FIELDS.filter((f) => !TWO_EDIT_FIELDS.includes(f));
/** How much a typo costs: a match after a typo scores this share of an exact one, less in the first letter. */
const TYPO = 0.6;
const FIRST_LETTER_TYPO = 0.35;
/** Completing the word being typed scores nearly as much as the word itself. */
const COMPLETION = 0.8;
/** Per rating point (0–5): the tie-breaker, small next to what a matching word adds. */
const RATING_WEIGHT = 0.15;

export interface QueryWords {
  /** Folded words in input order, de-duplicated, at most MAX_WORDS. */
  words: string[];
  /** The last word is still being typed and also matches as a prefix. */
  lastIsPrefix: boolean;
  /** The text as one line, for the phrase clause. */
  text: string;
}

/**
 * The words of the user's text. Nothing of its syntax survives: quotes, operators and `field:` are
 * separators; a possessive's `'s` goes with its word and `&` is the word `and`.
 */
export function queryWords(input: string): QueryWords {
  const truncated = input.length > MAX_QUERY_CHARS;
  const raw = truncated ? input.slice(0, MAX_QUERY_CHARS) : input;
  const text = raw.replace(/(\p{L})['’]s\b/giu, '$1').replace(/&/g, ' and ');
  const all = terms(text);
  const lastIsPrefix = !truncated && all.length > 0 && endsInWord(raw);
  const unique = [...new Set(all)];
  let words = unique.slice(0, MAX_WORDS);
  if (lastIsPrefix) {
    const last = all[all.length - 1]!;
    words = [...unique.filter((w) => w !== last).slice(0, MAX_WORDS - 1), last];
  }
  return { words, lastIsPrefix, text: words.join(' ') };
}

const isOptional = (word: string) => STOP_WORDS.has(word) || Array.from(word).length < 2;

/** The words that must match: all but stop words and single letters, or all of them when nothing else is left. */
export function requiredWords(q: QueryWords): string[] {
  const required = q.words.filter((w) => !isOptional(w));
  return required.length > 0 ? required : q.words;
}

/**
 * One word over the weighted fields: as typed, (while typed) as the start of a word, and with
 * `typos` also within FUZZINESS of it. A wrong first letter costs one edit more, as in the embedded
 * index: only words long enough for two edits get one there.
 */
export function wordClause(word: string, prefix: boolean, typos: boolean): Json {
  const match = (extra: Json) => ({ multi_match: { query: word, fields: FIELDS, type: 'best_fields', tie_breaker: TIE_BREAKER, ...extra } });
  const queries: Json[] = [match({})];
  const length = Array.from(word).length;
  if (typos && length >= 3 && !/^\p{N}+$/u.test(word)) {
    if (length >= 7) {
      // Without transpositions Lucene's two-edit automaton is smaller (a fifth off a typo search's time); a swapped pair is two edits, still within reach.
      queries.push(match({ fields: TWO_EDIT_FIELDS, fuzziness: FUZZINESS, prefix_length: 1, max_expansions: 50, fuzzy_transpositions: false, boost: TYPO }));
      queries.push(match({ fields: ONE_EDIT_FIELDS, fuzziness: 1, prefix_length: 1, max_expansions: 50, boost: TYPO }));
    } else queries.push(match({ fuzziness: FUZZINESS, prefix_length: 1, max_expansions: 50, boost: TYPO }));
    if (length >= 7) queries.push(match({ fuzziness: 1, prefix_length: 0, max_expansions: 50, boost: FIRST_LETTER_TYPO }));
  }
  if (prefix) queries.push({ multi_match: { query: word, fields: FIELDS, type: 'bool_prefix', max_expansions: 50, boost: COMPLETION } });
  return { dis_max: { queries } };
}

/**
 * Scores without deciding what matches: the text as the whole title proper or author name, as a phrase
 * in them, then the optional words; and, among equals, the first book of a series.
 */
function bonuses(q: QueryWords, required: readonly string[]): Json[] {
  const out: Json[] = [
    { match: { 'title.whole': { query: q.text, boost: 6 } } },
    { match: { 'authors.whole': { query: q.text, boost: 4 } } },
    { constant_score: { filter: { term: { 'title.opener': SERIES_OPENER } }, boost: 1 } },
  ];
  if (q.words.length > 1) {
    out.push({ match_phrase: { 'title.proper': { query: q.text, slop: 2, boost: 3 } } });
    out.push({ match_phrase: { authors: { query: q.text, slop: 1, boost: 2 } } });
  }
  for (const w of q.words) if (!required.includes(w)) out.push({ multi_match: { query: w, fields: FIELDS, type: 'best_fields', boost: 0.2 } });
  return out;
}

/**
 * How a search matches its words: `exact` every word as typed (and the last as a prefix while typed);
 * `typos` every word also within FUZZINESS; `relaxed` any of them, with typos, the books matching
 * more of the words first.
 */
export type Strictness = 'exact' | 'typos' | 'relaxed';

/** What each word a relaxed search finds adds: more than any one field's score, so coverage ranks first. */
const COVERAGE = 100;

/**
 * The text query over the required words, scored with the bonuses and the rating tie-breaker; for a
 * sort other than relevance it only selects books (and marks highlights).
 */
export function relevanceQuery(q: QueryWords, words: readonly string[], strictness: Strictness): Json {
  const last = q.words.at(-1);
  const clauses = words.map((w) => wordClause(w, q.lastIsPrefix && w === last, strictness !== 'exact'));
  const matching: Json =
    strictness === 'relaxed'
      ? { bool: { should: clauses.map((c) => ({ bool: { should: [c, { constant_score: { filter: c, boost: COVERAGE } }] } })), minimum_should_match: 1 } }
      : { bool: { must: clauses } };
  return {
    function_score: {
      query: { bool: { must: matching, should: bonuses(q, words) } },
      functions: [{ field_value_factor: { field: 'rating', factor: RATING_WEIGHT, missing: 0 } }],
      score_mode: 'sum',
      boost_mode: 'sum',
    },
  };
}

/** Highlights in the port's form: HTML-escaped text, matches in `<mark>`; the description cut to a fragment. */
export const HIGHLIGHT: Json = {
  encoder: 'html',
  pre_tags: ['<mark>'],
  post_tags: ['</mark>'],
  fields: {
    title: { number_of_fragments: 0 },
    authors: { number_of_fragments: 0 },
    description: { fragment_size: 160, number_of_fragments: 1, no_match_size: 160 },
  },
};

const MARKED = /<mark>(.*?)<\/mark>/g;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&#x2F;': '/' };

export function decodeEntities(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot|#39|#x27|#x2F);/g, (e) => ENTITIES[e]!);
}

/** Folded words OpenSearch marked in one hit's highlights. */
export function markedWords(fragments: readonly string[]): string[] {
  const out: string[] = [];
  for (const html of fragments) for (const m of html.matchAll(MARKED)) out.push(...terms(decodeEntities(m[1]!).replace(/['’]s$/i, '')));
  return out;
}

/** The same word for the analyzer: equal once a plural `s` is set aside. */
const sameStem = (a: string, b: string) => a === b || a.replace(/e?s$/, '') === b.replace(/e?s$/, '');

/** The form of `word` a hit matched (among its marked words): the word itself, its correction, or none. */
function matchedForm(word: string, prefix: boolean, marked: readonly string[]): string | null {
  const max = maxEditsFor(Array.from(word).length);
  let typo: string | null = null;
  for (const m of marked) {
    if (sameStem(m, word) || (prefix && m.startsWith(word))) return word;
    if (typo === null && max > 0 && editDistance(m, word, max) <= max) typo = m;
  }
  return typo;
}

/**
 * The query as OpenSearch matched it, when that differs from what was typed: each required word is
 * replaced by the word most of the hits matched in its place (a typo's correction). For a relaxed
 * search, the words the best book matched. Null when the query matched as typed.
 */
export function correctedQuery(q: QueryWords, required: readonly string[], strictness: Strictness, hitsMarked: ReadonlyArray<readonly string[]>): string | null {
  const last = q.words.at(-1);
  const isPrefix = (w: string) => q.lastIsPrefix && w === last;
  if (strictness === 'relaxed') {
    const top = hitsMarked[0] ?? [];
    const matched = required.map((w) => matchedForm(w, isPrefix(w), top)).filter((w): w is string => w !== null);
    return matched.length > 0 ? matched.join(' ') : null;
  }
  if (strictness === 'exact') return null;
  let changed = false;
  const out = q.words.map((word) => {
    if (!required.includes(word)) return word;
    const counts = new Map<string, number>();
    for (const marked of hitsMarked) {
      const form = matchedForm(word, isPrefix(word), marked);
      if (form !== null) counts.set(form, (counts.get(form) ?? 0) + 1);
    }
    // The most hits' form wins; on a tie, the word as typed.
    const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] === word ? -1 : b[0] === word ? 1 : a[0] < b[0] ? -1 : 1))[0];
    if (!best || best[0] === word) return word;
    changed = true;
    return best[0];
  });
  return changed ? out.join(' ') : null;
}
