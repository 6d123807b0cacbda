import { describe, expect, it } from 'vitest';
import { parseKeyList } from '../../src/adapters/embedded/search/matching-keys.js';
import { topK } from '../../src/adapters/embedded/search/top-k.js';
import { escapeHtml, highlight, prefixLength, snippet, wholeWords } from '../../src/adapters/search-text/highlight.js';
import { fieldWords, hitHighlighter } from '../../src/adapters/search-text/hit-highlights.js';
import type { QueryPlan, TermPlan } from '../../src/adapters/search-text/query-plan.js';
import { words } from '../../src/adapters/search-text/tokens.js';

const markCats = wholeWords((term) => term === 'cats' || term === 'cat');

describe('highlight', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });

  it('wraps matched words and escapes the rest', () => {
    expect(highlight('Cats <b>& cats</b>', markCats)).toBe('<mark>Cats</mark> &lt;b&gt;&amp; <mark>cats</mark>&lt;/b&gt;');
    expect(highlight('No match <here>', markCats)).toBe('No match &lt;here&gt;');
    expect(highlight('Cafe\u0301 cat', markCats)).toBe('Cafe\u0301 <mark>cat</mark>');
  });

  it('can mark just the typed part of a word', () => {
    const typed = (word: { start: number; end: number }, text: string) => (text.slice(word.start, word.end).toLowerCase().startsWith('ca') ? 2 : 0);
    expect(highlight('The Cathedral', typed)).toBe('The <mark>Ca</mark>thedral');
  });

  it('maps a folded prefix back onto the original characters', () => {
    expect(prefixLength('Écoles', 'eco')).toBe(3);
    expect(prefixLength('E\u0301coles', 'eco')).toBe(4);
    expect(prefixLength('ﬁne', 'fi')).toBe(1);
    expect(prefixLength('Hobbit', 'hobbit')).toBe(6);
  });
});

describe('snippet', () => {
  const filler = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');

  it('returns short text whole', () => {
    expect(snippet('Three <small> cats', markCats)).toBe('Three &lt;small&gt; <mark>cats</mark>');
  });

  it('cuts long text to a window around the densest matches, with ellipses', () => {
    const text = `${filler(50)} the cats and more cats sat ${filler(50)}`;
    const out = snippet(text, markCats, 10);
    expect(out.startsWith('… ')).toBe(true);
    expect(out.endsWith(' …')).toBe(true);
    expect(out.match(/<mark>cats<\/mark>/g)).toHaveLength(2);
    expect(out.replace(/<\/?mark>/g, '').split(/\s+/).filter((w) => w !== '…')).toHaveLength(10);
  });

  it('starts at the beginning when nothing matches, and stays HTML-safe', () => {
    const text = `<script>alert(1)</script> ${filler(40)}`;
    const out = snippet(text, markCats, 10);
    expect(out.startsWith('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(true);
    expect(out).not.toMatch(/<(?!\/?mark>)/);
  });
});

describe('hit highlights', () => {
  const term = (text: string, prefix: boolean): TermPlan => ({ term: text, prefix, alternatives: [], edits: [], splits: [], found: true, required: true });

  it('keeps ASCII words as offsets, at the places the tokenizer finds them, and other text as words', () => {
    const text = "Don't panic: R2-D2's 3rd <b>guide</b>, vol.42";
    expect(fieldWords(text)).toEqual(words(text).flatMap((w) => [w.start, w.end]));
    expect(fieldWords('')).toEqual([]);
    expect(fieldWords('Café Noir')).toEqual(words('Café Noir'));
  });

  it('marks the same words from offsets as from words', () => {
    const plan: QueryPlan = { terms: [term('guide', false), term('caf', true)], rankExactFirst: false, correctedQuery: null };
    const book = {
      title: 'The <Guide> to Guides',
      authors: ['Ann Guide', 'Bo Café'],
      description: `${'filler words here '.repeat(12)}a GUIDE, the guide's guide & more ${'and then some '.repeat(10)}`,
    };
    const fromOffsets = hitHighlighter(plan)(book);
    const reference = {
      title: highlight(book.title, wholeWords((t) => t === 'guide')),
      authors: highlight('Ann Guide, Bo Café', wholeWords((t) => t === 'guide' || t.startsWith('caf'))),
      description: snippet(book.description, wholeWords((t) => t === 'guide'), 20),
    };
    expect(fromOffsets).toEqual(reference);
    expect(fromOffsets.description).toContain('<mark>GUIDE</mark>');
  });
});

describe('topK', () => {
  it('returns the first k in order, as a full sort would', () => {
    const items = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    const byValue = (a: number, b: number) => a - b;
    expect(topK(items, 10, byValue)).toEqual([...items].sort(byValue).slice(0, 10));
    expect(topK(items, 500, byValue)).toEqual([...items].sort(byValue));
    expect(topK(items, 0, byValue)).toEqual([]);
  });
});

describe('parseKeyList', () => {
  it('parses SQLite group_concat output', () => {
    expect([...parseKeyList('12,7,300,0')]).toEqual([12, 7, 300, 0]);
    expect([...parseKeyList('5')]).toEqual([5]);
    expect(parseKeyList('')).toHaveLength(0);
  });
});
