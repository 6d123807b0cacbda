/**
 * The index template of the OpenSearch search index. OpenSearch does not analyze book text itself:
 * the adapter writes each searchable column already split and folded by the shared tokenizer
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

const analysis = {
  tokenizer: { spaces: { type: 'whitespace', max_token_length: MAX_TERM_CHARS } },
  filter: { term_prefixes: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_NGRAM } },
  analyzer: {
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
const stored = { type: 'text', index: false };

const mappings = {
  dynamic: 'strict',
  // The derived fields are rebuilt from the book on every write; keeping them in _source would only double its size.
  _source: { excludes: ['ranked', 'leading'] },
  properties: {
    id: { type: 'keyword' },
    isbn: { type: 'keyword' },
    title: stored,
    authors: stored,
    category: { type: 'keyword' },
    description: stored,
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
