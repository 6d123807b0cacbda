/**
 * RankingIndex's top k against a brute-force bm25 over the same documents: the best k of every match
 * in (tier, score desc, id) order, whatever path the index takes (one phrase or several terms, one
 * posting list or a prefix over many, postings in the segment or in the delta of later writes), with
 * many exact ties at the k-th score and filters that reject some of the best.
 */
import { describe, expect, it } from 'vitest';
import { RankingIndex, type RankedKey } from '../../src/adapters/embedded/search/ranking-index/ranking-index.js';
import type { IndexedText } from '../../src/adapters/embedded/search/ranking-index/indexed-text.js';
import type { RankedQuery } from '../../src/adapters/embedded/search/ranking-index/ranked-query.js';
import { BM25_B, BM25_K1 } from '../../src/adapters/search-text/ranking.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Few words and few lengths: many documents share a score exactly, so the k-th place is often a tie.
const WORDS = ['the', 'then', 'there', 'theme', 'tea', 'team', 'ten', 'rose', 'roses', 'rover', 'red'];

function text(next: () => number): IndexedText {
  const weights = new Map<string, number>();
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    weights.set(word, (weights.get(word) ?? 0) + (next() < 0.5 ? 1 : 5));
  }
  return { terms: [...weights.keys()], weights: [...weights.values()], length: 2 + Math.floor(next() * 3) };
}

/** The index and, beside it, the live documents it should hold. */
function corpus(seed: number) {
  const next = random(seed);
  const ids: string[] = [];
  const docs = new Map<number, IndexedText>();
  const idOf = (key: number) => ids[key] ?? '';
  const index = new RankingIndex(idOf);
  const initial: Array<[number, IndexedText]> = [];
  for (let key = 0; key < 400; key++) {
    // Ids out of key order, so the tie-break by id is not the order of the postings.
    ids[key] = `b-${String((key * 7919) % 1000).padStart(4, '0')}`;
    const t = text(next);
    initial.push([key, t]);
    docs.set(key, t);
  }
  index.load(initial);
  return { index, docs, ids, next };
}

function frequency(text: IndexedText, word: string, prefix: boolean): number {
  let f = 0;
  text.terms.forEach((term, i) => {
    if (prefix ? term.startsWith(word) : term === word) f += text.weights[i]!;
  });
  return f;
}

/** bm25 as FTS5 sums it, term by term and phrase by phrase, for a conjunction of one-word phrases. */
function expected(docs: Map<number, IndexedText>, ids: string[], query: RankedQuery, wanted: number, accept: ((key: number) => boolean) | null) {
  const rows = docs.size;
  let tokens = 0;
  for (const t of docs.values()) tokens += t.length;
  const avgdl = tokens / rows;
  const idfs = query.terms.map((term) =>
    term.phrases.map((p) => {
      let hits = 0;
      for (const t of docs.values()) if (frequency(t, p.words[0]!, p.prefix) > 0) hits++;
      const idf = Math.log((rows - hits + 0.5) / (hits + 0.5));
      return idf <= 0 ? 1e-6 : idf;
    }),
  );
  const matches: number[] = [];
  const ranked: RankedKey[] = [];
  for (const [key, t] of docs) {
    let score = 0;
    let all = true;
    let asTyped = true;
    query.terms.forEach((term, ti) => {
      let any = false;
      let typed = false;
      term.phrases.forEach((p, pi) => {
        const f = frequency(t, p.words[0]!, p.prefix);
        if (f === 0) return;
        any = true;
        if (p.asTyped) typed = true;
        score += idfs[ti]![pi]! * ((f * (BM25_K1 + 1.0)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * t.length) / avgdl)));
      });
      if (!any) all = false;
      if (!typed) asTyped = false;
    });
    if (!all) continue;
    matches.push(key);
    if (accept === null || accept(key)) ranked.push({ key, score, tier: query.tiered && !asTyped ? 1 : 0 });
  }
  ranked.sort((a, b) => a.tier - b.tier || b.score - a.score || (ids[a.key]! < ids[b.key]! ? -1 : 1));
  return { matches: matches.sort((a, b) => a - b), ranked: ranked.slice(0, wanted) };
}

const phrase = (word: string, prefix = false, asTyped = true) => ({ words: [word], prefix, asTyped });
const QUERIES: Array<[string, RankedQuery]> = [
  ['one word', { terms: [{ phrases: [phrase('rose')] }], clauses: [[0]], tiered: false, relaxed: false }],
  ['a prefix over several terms', { terms: [{ phrases: [phrase('the', true)] }], clauses: [[0]], tiered: true, relaxed: false }],
  ['a prefix of one term', { terms: [{ phrases: [phrase('rove', true)] }], clauses: [[0]], tiered: true, relaxed: false }],
  ['a word with an alternative, tiered', { terms: [{ phrases: [phrase('tea'), phrase('ten', false, false)] }], clauses: [[0]], tiered: true, relaxed: false }],
  ['two terms', { terms: [{ phrases: [phrase('the')] }, { phrases: [phrase('ro', true)] }], clauses: [[0, 1]], tiered: true, relaxed: false }],
];

function check(index: RankingIndex, docs: Map<number, IndexedText>, ids: string[]) {
  const filters: Array<[string, ((key: number) => boolean) | null]> = [
    ['no filter', null],
    ['a filter', (key) => key % 3 !== 0],
  ];
  for (const [name, query] of QUERIES) {
    for (const [filterName, accept] of filters) {
      for (const wanted of [0, 1, 5, 17, 64, 1000]) {
        const want = expected(docs, ids, query, wanted, accept);
        const got = index.execute(query, wanted, accept);
        const label = `${name}, ${filterName}, top ${wanted}`;
        expect([...got.matches].sort((a, b) => a - b), label).toEqual(want.matches);
        expect(got.ranked, label).toEqual(want.ranked);
      }
    }
  }
}

describe('RankingIndex top k', () => {
  it('is the brute-force top k, ties at the k-th score broken by id', () => {
    const { index, docs, ids } = corpus(1);
    // The corpus must make ties where they matter: the 17th best of a prefix shares its score.
    const query = QUERIES[1]![1];
    const all = expected(docs, ids, query, 1000, null).ranked;
    expect(all.filter((r) => r.score === all[16]!.score).length).toBeGreaterThan(2);
    check(index, docs, ids);
  });

  it('stays exact with rewritten and deleted documents in the delta, and after they are folded in', () => {
    const { index, docs, ids, next } = corpus(2);
    for (let i = 0; i < 120; i++) {
      const key = Math.floor(next() * 460);
      if (next() < 0.25) {
        index.remove(key);
        docs.delete(key);
      } else {
        ids[key] ??= `b-new-${key}`;
        const t = text(next);
        index.write(key, t);
        docs.set(key, t);
      }
    }
    check(index, docs, ids);
    // postings() folds the delta into a new segment.
    index.postings();
    check(index, docs, ids);
  });
});
