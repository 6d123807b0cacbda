import { describe, expect, it } from 'vitest';
import { parseKeyList } from '../../src/adapters/embedded/search/matching-keys.js';
import { topK } from '../../src/adapters/embedded/search/top-k.js';
import { escapeHtml, highlight, prefixLength, snippet, wholeWords } from '../../src/adapters/search-text/highlight.js';

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
