/**
 * The index template of the OpenSearch search index. For relevance, OpenSearch analyzes the book's
 * title, authors, category and description itself (see `analysis`). For suggestions, the adapter writes each searchable column already split and folded by the shared tokenizer
 * (`ranked.*`, space-separated terms), so both indexes hold exactly the same terms. Those fields keep
 * term frequencies and score a match by its raw frequency, from which the adapter's scripts compute
 * FTS5's bm25; `vocabulary` holds every term once per document for statistics and near-spellings;
 * `leading` holds the folded title and author lines for suggestions; the rest are filter and sort fields.
 */
import { RANKED_COLUMNS } from '../search-text/ranking.js';

/** Longest prefix the edge n-gram subfields hold; a longer typed word falls back to a `prefix` query. */
export const MAX_NGRAM = 20;
/** Longest term indexed whole (a longer one is split); Lucene refuses terms over 32766 bytes. */
const MAX_TERM_CHARS = 8191;

/**
 * The mapping's version, kept in the index's `_meta`: an index of an older version is migrated to a
 * new generation (by copying its books) when an instance first meets it.
 */
export const SCHEMA_VERSION = 2;

/**
 * How OpenSearch itself analyzes book text for relevance (search-relevance.ts): `&` is searched as
 * `and`, typographic apostrophes as plain ones, possessives and plurals reduced to one stem
 * (`Hitchhiker's`, `hitchhikers`), hyphenated words split (the standard tokenizer), accents and case
 * folded. Stop words stay indexed (a title made of them must still be found); the query makes them optional.
 */
/** What `title.opener` holds for the first book of a series, `(…, #1)`. */
export const SERIES_OPENER = 'series-opener';

const bookTextFilters = ['elisions', 'lowercase', 'asciifolding', 'possessives', 'plurals'];
/** Descriptions keep plurals apart: a blurb's passing `story` is no match for `stories`. */
const proseFilters = ['elisions', 'lowercase', 'asciifolding', 'possessives'];

/** Numbers written out and in digits are one word to a shopper (`seven habits`, `The 7 Habits`). */
const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'].map((word, i) => `${i + 1}, ${word}`);

const analysis = {
  char_filter: {
    symbols: { type: 'mapping', mappings: ['& => \\u0020and\\u0020', '\u2019 => \'', '\u2018 => \''] },
    // Series text such as `(The Hunger Games, #2)` names another book; the title proper is what precedes it.
    series: { type: 'pattern_replace', pattern: '\\([^)]*\\)', replacement: ' ' },
    // The title of a series' first book becomes one marker word in `title.opener` (SERIES_OPENER).
    opener: { type: 'pattern_replace', pattern: '^.*\\([^)]*#\\s*1\\)\\s*$', replacement: SERIES_OPENER },
    punctuation: { type: 'pattern_replace', pattern: '[^\\p{L}\\p{N}]+', replacement: ' ' },
  },
  tokenizer: { spaces: { type: 'whitespace', max_token_length: MAX_TERM_CHARS } },
  filter: {
    term_prefixes: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_NGRAM },
    possessives: { type: 'stemmer', language: 'possessive_english' },
    plurals: { type: 'stemmer', language: 'minimal_english' },
    // French and Italian elisions (`L'Étranger` is `etranger`); English possessives are the stemmer's.
    elisions: { type: 'elision', articles_case: true, articles: ['l', 'd', 'j', 'm', 'n', 't', 'qu', 'c', 'dell', 'all', 'un'] },
    numbers: { type: 'synonym', synonyms: NUMBERS },
    // Two words also as one (`slaughterhouse five` is `slaughterhousefive`, `da vinci` is `davinci`).
    joined: { type: 'shingle', min_shingle_size: 2, max_shingle_size: 2, output_unigrams: false, token_separator: '' },
  },
  analyzer: {
    book_text: { type: 'custom', char_filter: ['symbols'], tokenizer: 'standard', filter: bookTextFilters },
    prose: { type: 'custom', char_filter: ['symbols'], tokenizer: 'standard', filter: proseFilters },
    title_proper: { type: 'custom', char_filter: ['symbols', 'series'], tokenizer: 'standard', filter: [...bookTextFilters, 'numbers'] },
    title_joined: { type: 'custom', char_filter: ['symbols', 'series'], tokenizer: 'standard', filter: [...bookTextFilters, 'joined'] },
    // The whole line folded to its words, for an exact match of the whole title proper or author name.
    whole_title: { type: 'custom', char_filter: ['symbols', 'series', 'punctuation'], tokenizer: 'keyword', filter: ['lowercase', 'asciifolding', 'trim'] },
    whole_line: { type: 'custom', char_filter: ['symbols', 'punctuation'], tokenizer: 'keyword', filter: ['lowercase', 'asciifolding', 'trim'] },
    series_opener: { type: 'custom', char_filter: ['opener'], tokenizer: 'keyword' },
    terms: { type: 'custom', tokenizer: 'spaces' },
    term_prefixes: { type: 'custom', tokenizer: 'spaces', filter: ['term_prefixes'] },
    // Near-spellings differing in the first letter are found on the reversed terms (see search-statistics).
    reversed_terms: { type: 'custom', tokenizer: 'spaces', filter: ['reverse'] },
  },
};

const similarity = {
  // A matching term scores its frequency in the field times the clause's boost (the column weight):
  // the sum over the columns is FTS5's weighted phrase frequency, which the bm25 script saturates.
  term_frequency: { type: 'scripted', script: { source: 'return query.boost * doc.freq;' } },
};

const rankedColumn = {
  type: 'text',
  analyzer: 'terms',
  similarity: 'term_frequency',
  index_options: 'freqs',
  norms: false,
  copy_to: 'vocabulary',
  fields: {
    // Every prefix of every term (up to MAX_NGRAM letters) with its frequency: a typed prefix is one term lookup.
    prefix: { type: 'text', analyzer: 'term_prefixes', search_analyzer: 'terms', similarity: 'term_frequency', index_options: 'freqs', norms: false },
  },
};

const line = { type: 'keyword', ignore_above: MAX_TERM_CHARS };
const analyzed = { type: 'text', analyzer: 'book_text' };

const mappings = {
  dynamic: 'strict',
  _meta: { schema: SCHEMA_VERSION },
  // The derived fields are rebuilt from the book on every write; keeping them in _source would only double its size.
  _source: { excludes: ['ranked', 'leading'] },
  properties: {
    id: { type: 'keyword' },
    isbn: { type: 'keyword' },
    // The title as written, and without series text (`proper`), which relevance weighs most.
    title: {
      ...analyzed,
      fields: {
        proper: { type: 'text', analyzer: 'title_proper', search_analyzer: 'book_text' },
        joined: { type: 'text', analyzer: 'title_joined', search_analyzer: 'book_text', norms: false },
        whole: { type: 'text', analyzer: 'whole_title', search_analyzer: 'whole_line', index_options: 'docs', norms: false },
        opener: { type: 'text', analyzer: 'series_opener', search_analyzer: 'keyword', index_options: 'docs', norms: false },
      },
    },
    authors: { ...analyzed, fields: { whole: { type: 'text', analyzer: 'whole_line', index_options: 'docs', norms: false } } },
    category: { type: 'keyword', fields: { text: { type: 'text', analyzer: 'prose' } } },
    description: { type: 'text', analyzer: 'prose' },
    ranked: { properties: Object.fromEntries(RANKED_COLUMNS.map((c) => [c.name, rankedColumn])) },
    vocabulary: {
      type: 'text',
      analyzer: 'terms',
      index_options: 'docs',
      norms: false,
      fields: { reversed: { type: 'text', analyzer: 'reversed_terms', index_options: 'docs', norms: false } },
    },
    // Number of terms in all ranked columns: the document length bm25 normalises by.
    length: { type: 'integer' },
    leading: { properties: { title: line, authors: line } },
    price: { type: 'long' },
    currency: { type: 'keyword', index: false },
    coverUrl: { type: 'keyword', index: false, doc_values: false },
    rating: { type: 'double' },
    year: { type: 'integer' },
    version: { type: 'long' },
    // Set only on tombstones, which every query and count leaves out.
    deleted: { type: 'boolean' },
  },
};

export interface TemplateOptions {
  refreshInterval: string;
  replicas: number;
}

/** Every generation of one alias's index is named `<alias>-gen-<suffix>`; the template applies to them all. */
export function indexPattern(alias: string): string {
  return `${alias}-gen-*`;
}

/**
 * The alias of the index a rebuild is filling (none outside rebuilds). Outside the `<alias>-gen-*`
 * pattern, so it is never taken for a generation; every writer writes through it as well.
 */
export function stagingAlias(alias: string): string {
  return `${alias}-rebuilding`;
}

export function templateName(alias: string): string {
  return `${alias}-template`;
}

export function generationName(alias: string, suffix: string): string {
  return `${alias}-gen-${suffix}`;
}

export function searchIndexTemplate(alias: string, options: TemplateOptions): Record<string, unknown> {
  return {
    index_patterns: [indexPattern(alias)],
    priority: 100,
    template: {
      settings: {
        // A catalog fits one shard, which also keeps the near-spellings the term suggester finds complete.
        number_of_shards: 1,
        number_of_replicas: options.replicas,
        // Set explicitly so an idle shard still refreshes on schedule and `refresh=wait_for` returns promptly.
        refresh_interval: options.refreshInterval,
        analysis,
        similarity,
      },
      mappings,
    },
  };
}
