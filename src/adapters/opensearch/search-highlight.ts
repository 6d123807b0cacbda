/**
 * Turns OpenSearch highlight fragments (`encoder: html`, `<mark>` tags) into the port's HTML-safe
 * highlights, escaped exactly like the embedded index's (`&#39;` rather than Lucene's `&#x27;`, no
 * escaped `/`), and fills the fields OpenSearch leaves out when nothing in them matched.
 */
import type { Highlights } from '../../ports/search-index.js';
import { escapeHtml, highlight, snippet } from '../embedded/search/highlight.js';

export const PRE_TAG = '<mark>';
export const POST_TAG = '</mark>';
/** Characters of description around its best match, about the embedded snippet's twenty words. */
const FRAGMENT_SIZE = 140;

export const HIGHLIGHT_REQUEST = {
  type: 'unified',
  encoder: 'html',
  pre_tags: [PRE_TAG],
  post_tags: [POST_TAG],
  fields: {
    title: { number_of_fragments: 0 },
    authors: { number_of_fragments: 0 },
    description: { fragment_size: FRAGMENT_SIZE, number_of_fragments: 1 },
  },
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** One pass, so text that itself reads `&amp;lt;` decodes to `&lt;`, not `<`. */
function decodeHtml(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

interface Marked {
  html: string;
  /** The fragment's text with the marks taken out. */
  text: string;
}

function reencode(fragment: string): Marked {
  let html = '';
  let text = '';
  let open = false;
  for (const part of fragment.split(/(<mark>|<\/mark>)/)) {
    if (part === PRE_TAG || part === POST_TAG) {
      open = part === PRE_TAG;
      html += part;
      continue;
    }
    const plain = decodeHtml(part);
    text += plain;
    html += escapeHtml(plain);
  }
  return { html: open ? html + POST_TAG : html, text };
}

const unmarked = () => 0;

/** Each author once, marked where OpenSearch found a match in that value. */
function authorsHighlight(authors: readonly string[], fragments: readonly string[]): string {
  const marked = new Map(fragments.map(reencode).map((m) => [m.text, m.html]));
  return authors.map((a) => marked.get(a) ?? escapeHtml(a)).join(', ');
}

function descriptionHighlight(description: string, fragment: string | undefined): string {
  if (fragment === undefined) return snippet(description, unmarked);
  const { html, text } = reencode(fragment);
  const at = description.indexOf(text);
  if (at < 0) return html;
  return `${at > 0 ? '… ' : ''}${html}${at + text.length < description.length ? ' …' : ''}`;
}

export function highlightsOf(
  book: { title: string; authors: readonly string[]; description: string },
  fragments: Record<string, string[] | undefined> | undefined,
): Highlights {
  const title = fragments?.title?.[0];
  return {
    title: title === undefined ? highlight(book.title, unmarked) : reencode(title).html,
    authors: authorsHighlight(book.authors, fragments?.authors ?? []),
    description: descriptionHighlight(book.description, fragments?.description?.[0]),
  };
}
