/**
 * The index template of the OpenSearch search index: analyzers that tokenize and fold text like the
 * embedded index (runs of letters and digits, case and diacritics folded), the searchable fields with
 * their prefix and leading-text subfields, and the filter and sort fields.
 */

/** Relevance weight of each searchable field, as in the embedded index's column weights (title first). */
export const FIELD_BOOSTS: ReadonlyArray<readonly [field: string, boost: number]> = [
  ['title', 4],
  ['authors', 3],
  ['category.text', 2],
  ['description', 1],
];

/** Longest prefix the edge n-gram subfields hold; a longer typed word falls back to a `prefix` query. */
export const MAX_NGRAM = 20;

/** Separators: everything but letters, digits and combining marks (a mark belongs to its letter). */
const SEPARATORS = '[^\\p{L}\\p{N}\\p{M}]+';
/** Case, then diacritics: `asciifolding` for precomposed letters, the pattern for decomposed marks. */
const FOLD = ['lowercase', 'asciifolding', 'strip_marks', 'non_empty'];

const analysis = {
  tokenizer: { words: { type: 'pattern', pattern: SEPARATORS } },
  char_filter: { separators_to_space: { type: 'pattern_replace', pattern: SEPARATORS, replacement: ' ' } },
  filter: {
    strip_marks: { type: 'pattern_replace', pattern: '\\p{M}+', replacement: '' },
    non_empty: { type: 'length', min: 1 },
    word_prefixes: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_NGRAM },
  },
  analyzer: {
    folded: { type: 'custom', tokenizer: 'words', filter: FOLD },
    folded_prefixes: { type: 'custom', tokenizer: 'words', filter: [...FOLD, 'word_prefixes'] },
    // The whole text as one folded term with single spaces between words: "starts with what was typed".
    folded_line: { type: 'custom', char_filter: ['separators_to_space'], tokenizer: 'keyword', filter: ['lowercase', 'asciifolding', 'strip_marks', 'trim'] },
  },
};

/** Suggestions complete titles and authors: edge n-grams for the word being typed, the folded line for leading matches. */
const suggestable = {
  type: 'text',
  analyzer: 'folded',
  copy_to: 'words',
  fields: {
    prefix: { type: 'text', analyzer: 'folded_prefixes', search_analyzer: 'folded', index_options: 'docs' },
    leading: { type: 'text', analyzer: 'folded_line', index_options: 'docs', norms: false },
  },
};

const mappings = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    isbn: { type: 'keyword' },
    title: suggestable,
    authors: suggestable,
    category: { type: 'keyword', copy_to: 'words', fields: { text: { type: 'text', analyzer: 'folded' } } },
    description: { type: 'text', analyzer: 'folded', copy_to: 'words' },
    // Every searchable word once per field: the vocabulary that typo correction checks terms against.
    words: { type: 'text', analyzer: 'folded', norms: false },
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
        // A catalog fits one shard, which also keeps relevance and typo-correction frequencies exact.
        number_of_shards: 1,
        number_of_replicas: options.replicas,
        // Set explicitly so an idle shard still refreshes on schedule and `refresh=wait_for` returns promptly.
        refresh_interval: options.refreshInterval,
        analysis,
      },
      mappings,
    },
  };
}
