import { BM25_B, BM25_K1, RANKED_COLUMNS } from '../../../search-text/ranking.js';
import type { IndexedText } from './indexed-text.js';
import { PostingsSegment, SegmentBuilder } from './postings-segment.js';
import type { RankedPhrase, RankedQuery } from './ranked-query.js';

export interface RankedKey {
  key: number;
  /** FTS5's bm25() negated: higher is better. */
  score: number;
  /** 0 for books matching every term as typed when the query is tiered, else 1. */
  tier: number;
}

export interface Execution {
  /**
   * Every live document matching every term, in no particular order: a view of the index's scratch,
   * valid until its next `execute` (a million matches copied out per query kept the collector busy).
   */
  matches: Int32Array;
  /** The best `wanted` of the accepted matches in (tier, score desc, id) order. */
  ranked: RankedKey[];
}

/** Documents written since the segment was built, kept in maps until there are enough to fold in. */
const MIN_COMPACTION = 5_000;

/**
 * Ranked full-text search in memory, scoring exactly as FTS5's bm25() with the same column weights:
 * the same phrases, the same document frequencies over live rows, the same document lengths and
 * average, summed in the same order. Where FTS5 pays about half a microsecond per matching row to
 * rank, this is a few array reads, and no SQL row ever crosses into JavaScript.
 *
 * Documents live in an immutable segment plus a small delta of documents written since; a document
 * rewritten or deleted after the segment was built is masked out of it (`inSegment`). The caller keeps
 * it in step with the index tables (see AttributeStore's listener), inside the same read snapshot.
 */
export class RankingIndex {
  private segment = PostingsSegment.empty();
  private readonly deltaByTerm = new Map<string, Map<number, number>>();
  /** The delta's terms in order, so a prefix finds its terms by binary search, not by a scan of every written term. */
  private deltaTerms: string[] = [];
  private readonly deltaByKey = new Map<number, IndexedText>();
  private rows = 0;
  private tokens = 0;
  /** bm25's row count and total length, as FTS5 counts them (see `setCollectionStatistics`). */
  private bm25Rows = 0;
  private bm25Tokens = 0;
  private capacity = 0;
  private live = new Uint8Array(0);
  /** The segment's postings of this key are its current text. */
  private inSegment = new Uint8Array(0);
  private length = new Int32Array(0);
  /** Documents the segment still holds postings of that were rewritten or removed since: while 0, a posting list's length is its live count. */
  private maskedInSegment = 0;
  // Scratch of one execution, stamped so nothing is cleared between queries.
  private queryStamp = new Uint32Array(0);
  private phraseStamp = new Uint32Array(0);
  private queryEpoch = 0;
  private phraseEpoch = 0;
  private frequency = new Float64Array(0);
  private score = new Float64Array(0);
  private matched = new Int32Array(0);
  private matchedAsTyped = new Int32Array(0);
  private phraseKeys = new Int32Array(0);
  private touched = new Int32Array(0);

  /**
   * `log` is the natural logarithm bm25's idf is taken with. FTS5 calls the C library's log(), which
   * rounds differently from Math.log in the last bit for about one argument in fifteen; pass the same
   * function (SQLite's ln()) to get the same scores to the last bit, and so the same order of near-ties.
   */
  constructor(
    private readonly idOf: (key: number) => string,
    private readonly log: (x: number) => number = Math.log,
    /**
     * A live document's terms per ranked column (RANKED_COLUMNS order), read only to find two-word
     * phrases: postings hold no positions, and such phrases are rare (a run-together word the planner splits).
     */
    private readonly columnsOf: ((key: number) => readonly (readonly string[])[]) | null = null,
  ) {}

  /** Live documents. */
  get documents(): number {
    return this.rows;
  }

  /** Bytes held by the postings and per-document arrays (not counting the vocabulary strings). */
  get bytes(): number {
    const s = this.segment;
    return s.keys.byteLength + s.weights.byteLength + s.offsets.byteLength + this.capacity * (1 + 1 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 4 + 4);
  }

  /**
   * The collection statistics bm25 normalises by. They default to the live documents', but FTS5's
   * own (contentless tables with `contentless_delete`) count every row ever inserted and never
   * subtract a deleted one, so an index that must agree with FTS5 sets them from FTS5's record.
   */
  setCollectionStatistics(rows: number, tokens: number): void {
    this.bm25Rows = rows;
    this.bm25Tokens = tokens;
  }

  /** Replaces everything with `docs` (keys in any order). */
  load(docs: Iterable<[key: number, text: IndexedText]>): void {
    this.clear();
    const builder = new SegmentBuilder();
    for (const [key, text] of docs) {
      this.ensureCapacity(key + 1);
      builder.add(key, text);
      this.live[key] = 1;
      this.inSegment[key] = 1;
      this.length[key] = text.length;
      this.rows++;
      this.tokens += text.length;
    }
    this.segment = builder.finish();
  }

  /** Replaces everything with postings saved by `postings()`. */
  restore(segment: PostingsSegment, docKeys: Int32Array, lengths: Int32Array): void {
    this.clear();
    let max = -1;
    for (let i = 0; i < docKeys.length; i++) max = Math.max(max, docKeys[i]!);
    this.ensureCapacity(max + 1);
    for (let i = 0; i < docKeys.length; i++) {
      const key = docKeys[i]!;
      this.live[key] = 1;
      this.inSegment[key] = 1;
      this.length[key] = lengths[i]!;
      this.rows++;
      this.tokens += lengths[i]!;
    }
    this.segment = segment;
  }

  /** Every live document's postings in one segment (the delta folded in first), with their lengths: what `restore` takes. */
  postings(): { segment: PostingsSegment; docKeys: Int32Array; lengths: Int32Array } {
    if (this.deltaByKey.size > 0) this.compact();
    const docKeys = new Int32Array(this.rows);
    const lengths = new Int32Array(this.rows);
    let n = 0;
    for (let key = 0; key < this.capacity; key++) {
      if (this.live[key] === 0) continue;
      docKeys[n] = key;
      lengths[n++] = this.length[key]!;
    }
    return { segment: this.segment, docKeys, lengths };
  }

  write(key: number, text: IndexedText): void {
    this.remove(key);
    this.ensureCapacity(key + 1);
    this.deltaByKey.set(key, text);
    for (let i = 0; i < text.terms.length; i++) {
      const term = text.terms[i]!;
      let postings = this.deltaByTerm.get(term);
      if (!postings) {
        this.deltaByTerm.set(term, (postings = new Map()));
        this.deltaTerms.splice(lowerBound(this.deltaTerms, term), 0, term);
      }
      postings.set(key, text.weights[i]!);
    }
    this.live[key] = 1;
    this.length[key] = text.length;
    this.rows++;
    this.tokens += text.length;
    if (this.deltaByKey.size > Math.max(MIN_COMPACTION, this.rows / 20)) this.compact();
  }

  remove(key: number): void {
    if (key >= this.capacity || this.live[key] === 0) return;
    this.live[key] = 0;
    if (this.inSegment[key] === 1) this.maskedInSegment++;
    this.inSegment[key] = 0;
    this.rows--;
    this.tokens -= this.length[key]!;
    const text = this.deltaByKey.get(key);
    if (!text) return;
    this.deltaByKey.delete(key);
    for (const term of text.terms) {
      const postings = this.deltaByTerm.get(term)!;
      postings.delete(key);
      if (postings.size === 0) {
        this.deltaByTerm.delete(term);
        this.deltaTerms.splice(lowerBound(this.deltaTerms, term), 1);
      }
    }
  }

  /**
   * Every match of `query`, and the best `wanted` of those `accept` lets through, in FTS5's
   * (tier, bm25, id) order: the scores are the bm25() FTS5 computes for the MATCH expression
   * fts-expression.ts writes for the same plan.
   */
  execute(query: RankedQuery, wanted: number, accept: ((key: number) => boolean) | null): Execution {
    const oneWord = query.terms.every((t) => t.phrases.every((p) => p.words.length === 1));
    // A book matching any term matches: a query relaxed to one of its terms, the commonest relaxation.
    const anyTerm = oneWord && query.clauses.length === query.terms.length && query.clauses.every((clause, c) => clause.length === 1 && clause[0] === c);
    if (anyTerm && query.terms.length > 1) return this.executeConjunction(query, wanted, accept, true);
    if (!oneWord || query.clauses.length !== 1) return this.executeClauses(query, wanted, accept);
    if (query.terms.length === 1) {
      // A phrase no book holds adds nothing to any score: a typo as typed, beside its corrections.
      const phrases = query.terms[0]!.phrases;
      const held = phrases.filter((p) => this.mayHold(p));
      if (held.length === 1) return this.executePhrase(held[0]!, query.tiered, wanted, accept);
      if (held.length === 0) return { matches: new Int32Array(0), ranked: [] };
    }
    return this.executeConjunction(query, wanted, accept, false);
  }

  /** False when no document can hold the one-word `phrase`: neither the segment nor the delta has its term (or a term it starts). */
  private mayHold(phrase: RankedPhrase): boolean {
    const [from, to] = this.segment.range(phrase.words[0]!, phrase.prefix);
    return to > from || this.deltaOf(phrase.words[0]!, phrase.prefix).length > 0;
  }

  /**
   * A query of one word (or prefix) and no alternatives, the commonest and, for a short prefix, the
   * broadest: every match gets the same idf, so each score is computed once, in a local, and only the
   * few that beat the worst kept so far reach the filter and the heap. No per-key scratch is written
   * but the frequencies of documents holding several terms of a prefix.
   */
  private executePhrase(phrase: RankedPhrase, tiered: boolean, wanted: number, accept: ((key: number) => boolean) | null): Execution {
    const word = phrase.words[0]!;
    const rows = this.bm25Rows > 0 ? this.bm25Rows : this.rows;
    const avgdl = (this.bm25Rows > 0 ? this.bm25Tokens : this.tokens) / rows;
    const { inSegment, length, phraseStamp, frequency, phraseKeys } = this;
    const { keys, weights, offsets } = this.segment;
    const [from, to] = this.segment.range(word, phrase.prefix);
    const delta = this.deltaOf(word, phrase.prefix);
    // With one posting list each document appears once: its frequency is kept by position, not by key.
    const byPosition = to - from === 1 && delta.length === 0;
    let hits = 0;
    if (byPosition) {
      for (let j = offsets[from]!, end = offsets[to]!; j < end; j++) {
        const k = keys[j]!;
        if (inSegment[k] === 0) continue;
        frequency[hits] = weights[j]!;
        phraseKeys[hits++] = k;
      }
    } else {
      const pe = this.nextPhraseEpoch();
      for (let j = offsets[from]!, end = offsets[to]!; j < end; j++) {
        const k = keys[j]!;
        if (inSegment[k] === 0) continue;
        if (phraseStamp[k] !== pe) {
          phraseStamp[k] = pe;
          frequency[k] = 0;
          phraseKeys[hits++] = k;
        }
        frequency[k]! += weights[j]!;
      }
      for (const postings of delta) {
        for (const [k, w] of postings) {
          if (phraseStamp[k] !== pe) {
            phraseStamp[k] = pe;
            frequency[k] = 0;
            phraseKeys[hits++] = k;
          }
          frequency[k]! += w;
        }
      }
    }
    const matches = phraseKeys.subarray(0, hits);
    const heap = new RankHeap(wanted, this.idOf);
    if (hits > 0 && wanted > 0) {
      const idf = this.idf(rows, hits);
      const tier = tiered && !phrase.asTyped ? 1 : 0;
      // bm25's constants as executeConjunction's expression evaluates them: (1 - b) + x is 1 - b + x.
      const k1 = BM25_K1;
      const k1Plus1 = BM25_K1 + 1.0;
      const oneMinusB = 1 - BM25_B;
      const b = BM25_B;
      // Once the heap is full, most documents fall clearly short of its worst score: a test without
      // division, off from the exact score by a few ulps at most and so given a wide margin, skips them.
      const idfK1Plus1 = idf * k1Plus1;
      const bPerLength = b / avgdl;
      let floor = heap.floor(tier) * (1 - 1e-9);
      for (let i = 0; i < hits; i++) {
        const k = matches[i]!;
        const f = byPosition ? frequency[i]! : frequency[k]!;
        const len = length[k]!;
        if (idfK1Plus1 * f < floor * (f + k1 * (oneMinusB + bPerLength * len))) continue;
        // 0 + x is x: the same double as the conjunction's score[k] += for a query of one phrase.
        const score = idf * ((f * k1Plus1) / (f + k1 * (oneMinusB + (b * len) / avgdl)));
        if (heap.admits(k, tier, score) && (accept === null || accept(k))) {
          heap.insert(k, tier, score);
          floor = heap.floor(tier) * (1 - 1e-9);
        }
      }
    }
    return { matches, ranked: heap.sorted() };
  }

  /**
   * The general case: an OR of clauses (a relaxed query) or phrases of two words. Each phrase's live
   * postings are collected first; a book matches when it matches every term of some clause, and a
   * phrase adds to its score once per clause it appears in that the book matches: where FTS5's
   * expression tree leaves that phrase positioned on the row, so where its xInst reports the phrase.
   */
  private executeClauses(query: RankedQuery, wanted: number, accept: ((key: number) => boolean) | null): Execution {
    const resolved = query.terms.map((t) => t.phrases.map((p) => this.phrasePostings(p)));
    const epoch = this.nextQueryEpoch();
    const rows = this.bm25Rows > 0 ? this.bm25Rows : this.rows;
    const avgdl = (this.bm25Rows > 0 ? this.bm25Tokens : this.tokens) / rows;
    const { queryStamp, score, matched, matchedAsTyped, touched, length } = this;
    let touchedCount = 0;
    query.terms.forEach((term, t) => {
      const bit = 1 << t;
      term.phrases.forEach((phrase, p) => {
        const { keys } = resolved[t]![p]!;
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          if (queryStamp[k] !== epoch) {
            queryStamp[k] = epoch;
            score[k] = 0;
            matched[k] = 0;
            matchedAsTyped[k] = 0;
            touched[touchedCount++] = k;
          }
          matched[k]! |= bit;
          if (phrase.asTyped) matchedAsTyped[k]! |= bit;
        }
      });
    });
    const masks = query.clauses.map((clause) => clause.reduce((mask, t) => mask | (1 << t), 0));
    query.clauses.forEach((clause, c) => {
      const mask = masks[c]!;
      for (const t of clause) {
        for (const { keys, frequencies } of resolved[t]!) {
          const hits = keys.length;
          if (hits === 0) continue;
          const idf = this.idf(rows, hits);
          for (let i = 0; i < hits; i++) {
            const k = keys[i]!;
            if ((matched[k]! & mask) !== mask) continue;
            const f = frequencies[i]!;
            score[k]! += bm25Share(idf, f, length[k]!, avgdl);
          }
        }
      }
    });
    const all = (1 << query.terms.length) - 1;
    // The matches are gathered in place, in front of the keys still to be read.
    const matches = touched;
    let count = 0;
    const heap = new RankHeap(wanted, this.idOf);
    const tiered = query.tiered;
    for (let i = 0; i < touchedCount; i++) {
      const k = touched[i]!;
      if (!masks.some((mask) => (matched[k]! & mask) === mask)) continue;
      matches[count++] = k;
      const tier = tiered && matchedAsTyped[k] !== all ? 1 : 0;
      if (heap.admits(k, tier, score[k]!) && (accept === null || accept(k))) heap.insert(k, tier, score[k]!);
    }
    return { matches: matches.subarray(0, count), ranked: heap.sorted() };
  }

  /** The live documents holding `phrase`, each once, with the phrase's column-weighted frequency there. */
  private phrasePostings(phrase: RankedPhrase): { keys: Int32Array; frequencies: Float64Array } {
    if (phrase.words.length === 1) return this.wordPostings(phrase.words[0]!, phrase.prefix);
    const [first, second] = phrase.words as [string, string];
    const a = this.wordPostings(first, false);
    const b = this.wordPostings(second, false);
    const pe = this.nextPhraseEpoch();
    for (const k of b.keys) this.phraseStamp[k] = pe;
    const keys: number[] = [];
    const frequencies: number[] = [];
    for (const k of a.keys) {
      if (this.phraseStamp[k] !== pe) continue;
      const columns = this.columnsOf?.(k);
      if (!columns) throw new Error('RankingIndex needs columnsOf to rank two-word phrases');
      let f = 0;
      columns.forEach((words, c) => {
        for (let i = 0; i + 1 < words.length; i++) if (words[i] === first && words[i + 1] === second) f += RANKED_COLUMNS[c]!.weight;
      });
      if (f === 0) continue;
      keys.push(k);
      frequencies.push(f);
    }
    return { keys: Int32Array.from(keys), frequencies: Float64Array.from(frequencies) };
  }

  /** The live documents holding `term` (or a term starting with it), each once, with its summed weight there. */
  private wordPostings(term: string, prefix: boolean): { keys: Int32Array; frequencies: Float64Array } {
    const { inSegment, phraseStamp, frequency, phraseKeys } = this;
    const { keys, weights, offsets } = this.segment;
    const [from, to] = this.segment.range(term, prefix);
    const pe = this.nextPhraseEpoch();
    let hits = 0;
    const add = (k: number, w: number) => {
      if (phraseStamp[k] !== pe) {
        phraseStamp[k] = pe;
        frequency[k] = 0;
        phraseKeys[hits++] = k;
      }
      frequency[k]! += w;
    };
    for (let j = offsets[from]!, end = offsets[to]!; j < end; j++) if (inSegment[keys[j]!] === 1) add(keys[j]!, weights[j]!);
    for (const postings of this.deltaOf(term, prefix)) for (const [k, w] of postings) add(k, w);
    const out = { keys: phraseKeys.slice(0, hits), frequencies: new Float64Array(hits) };
    for (let i = 0; i < hits; i++) out.frequencies[i] = frequency[out.keys[i]!]!;
    return out;
  }

  /**
   * Every match of `query`, and the best `wanted` of those `accept` lets through. Each phrase's
   * postings are read twice at most: once to count its live documents (bm25's idf needs the count
   * before any score), once to add its share to the score of each document. `any`: a book matching any
   * one term matches (the clauses are the terms one by one, in order), so every term brings in
   * candidates; the scores are summed in the same order as `executeClauses` sums them for such clauses.
   */
  private executeConjunction(query: RankedQuery, wanted: number, accept: ((key: number) => boolean) | null, any: boolean): Execution {
    const epoch = this.nextQueryEpoch();
    const rows = this.bm25Rows > 0 ? this.bm25Rows : this.rows;
    const avgdl = (this.bm25Rows > 0 ? this.bm25Tokens : this.tokens) / rows;
    const { live, inSegment, length, queryStamp, phraseStamp, frequency, score, matched, matchedAsTyped, phraseKeys, touched } = this;
    const { keys, weights, offsets } = this.segment;
    let touchedCount = 0;
    const all = (1 << query.terms.length) - 1;
    query.terms.forEach((term, t) => {
      const bit = 1 << t;
      const before = bit - 1;
      for (const phrase of term.phrases) {
        const [from, to] = this.segment.range(phrase.words[0]!, phrase.prefix);
        const delta = this.deltaOf(phrase.words[0]!, phrase.prefix);
        // `hits` counts every live document of the phrase (the idf needs them all); only those still
        // candidates (every earlier term matched; for the first term, or any term of `any`, all) are listed for scoring.
        const first = t === 0 || any;
        let hits = 0;
        let listed = 0;
        if (to - from === 1 && delta.length === 0) {
          // One posting list holds each document once, so its weights are the frequencies as they are,
          // and its live count (the idf) is known before any score: one pass scores as it goes.
          const start = offsets[from]!;
          const end = offsets[to]!;
          if (this.maskedInSegment === 0) hits = end - start;
          else for (let j = start; j < end; j++) hits += inSegment[keys[j]!]!;
          if (hits === 0) continue;
          const idf = this.idf(rows, hits);
          const typed = phrase.asTyped ? bit : 0;
          for (let j = start; j < end; j++) {
            const k = keys[j]!;
            if (inSegment[k] === 0) continue;
            if (queryStamp[k] !== epoch) {
              if (!first) continue;
              queryStamp[k] = epoch;
              score[k] = 0;
              matched[k] = 0;
              matchedAsTyped[k] = 0;
              touched[touchedCount++] = k;
            } else if (!any && (matched[k]! & before) !== before) continue;
            const f = weights[j]!;
            score[k]! += bm25Share(idf, f, length[k]!, avgdl);
            matched[k]! |= bit;
            matchedAsTyped[k]! |= typed;
          }
          continue;
        } else {
          const pe = this.nextPhraseEpoch();
          for (let j = offsets[from]!, end = offsets[to]!; j < end; j++) {
            const k = keys[j]!;
            if (inSegment[k] === 0) continue;
            const fresh = phraseStamp[k] !== pe;
            if (fresh) {
              phraseStamp[k] = pe;
              hits++;
            }
            if (!first && (queryStamp[k] !== epoch || (matched[k]! & before) !== before)) continue;
            if (fresh) {
              frequency[k] = 0;
              phraseKeys[listed++] = k;
            }
            frequency[k]! += weights[j]!;
          }
          for (const postings of delta) {
            for (const [k, w] of postings) {
              const fresh = phraseStamp[k] !== pe;
              if (fresh) {
                phraseStamp[k] = pe;
                hits++;
              }
              if (!first && (queryStamp[k] !== epoch || (matched[k]! & before) !== before)) continue;
              if (fresh) {
                frequency[k] = 0;
                phraseKeys[listed++] = k;
              }
              frequency[k]! += w;
            }
          }
        }
        if (hits === 0) continue;
        const idf = this.idf(rows, hits);
        for (let i = 0; i < listed; i++) {
          const k = phraseKeys[i]!;
          if (queryStamp[k] !== epoch) {
            // Only the first term brings in candidates (unless any term will do): a book missing it can never match.
            if (!first) continue;
            queryStamp[k] = epoch;
            score[k] = 0;
            matched[k] = 0;
            matchedAsTyped[k] = 0;
            touched[touchedCount++] = k;
          } else if (!any && (matched[k]! & before) !== before) continue;
          const f = frequency[k]!;
          score[k]! += bm25Share(idf, f, length[k]!, avgdl);
          matched[k]! |= bit;
          if (phrase.asTyped) matchedAsTyped[k]! |= bit;
        }
      }
    });
    // The matches are gathered in place, in front of the keys still to be read.
    const matches = touched;
    let count = 0;
    const heap = new RankHeap(wanted, this.idOf);
    const tiered = query.tiered;
    for (let i = 0; i < touchedCount; i++) {
      const k = touched[i]!;
      if ((any ? matched[k] === 0 : matched[k] !== all) || live[k] === 0) continue;
      matches[count++] = k;
      const tier = tiered && matchedAsTyped[k] !== all ? 1 : 0;
      if (heap.admits(k, tier, score[k]!) && (accept === null || accept(k))) heap.insert(k, tier, score[k]!);
    }
    return { matches: matches.subarray(0, count), ranked: heap.sorted() };
  }

  /** FTS5's idf of a phrase in `hits` of `rows` documents, floored at a tiny positive value so that a very common term still counts. */
  private idf(rows: number, hits: number): number {
    const idf = this.log((rows - hits + 0.5) / (hits + 0.5));
    return idf <= 0 ? 1e-6 : idf;
  }

  /** The delta's postings of `term`, or of every term starting with it. */
  private deltaOf(term: string, prefix: boolean): Array<Map<number, number>> {
    if (!prefix) {
      const postings = this.deltaByTerm.get(term);
      return postings ? [postings] : [];
    }
    const out: Array<Map<number, number>> = [];
    const terms = this.deltaTerms;
    for (let i = lowerBound(terms, term); i < terms.length && terms[i]!.startsWith(term); i++) out.push(this.deltaByTerm.get(terms[i]!)!);
    return out;
  }

  /** Folds the delta into a new segment, dropping the postings of rewritten and deleted documents. */
  private compact(): void {
    const builder = new SegmentBuilder();
    const { vocabulary, offsets, keys, weights } = this.segment;
    for (let t = 0; t < vocabulary.length; t++) {
      const term = vocabulary[t]!;
      for (let j = offsets[t]!; j < offsets[t + 1]!; j++) if (this.inSegment[keys[j]!] === 1) builder.addPosting(term, keys[j]!, weights[j]!);
    }
    for (const [key, text] of this.deltaByKey) {
      builder.add(key, text);
      this.inSegment[key] = 1;
    }
    this.segment = builder.finish();
    this.maskedInSegment = 0;
    this.deltaByKey.clear();
    this.deltaByTerm.clear();
    this.deltaTerms = [];
  }

  private clear(): void {
    this.deltaByTerm.clear();
    this.deltaTerms = [];
    this.deltaByKey.clear();
    this.rows = 0;
    this.tokens = 0;
    this.live.fill(0);
    this.inSegment.fill(0);
    this.maskedInSegment = 0;
  }

  private nextQueryEpoch(): number {
    if (this.queryEpoch === 0xffffffff) {
      this.queryStamp.fill(0);
      this.queryEpoch = 0;
    }
    return ++this.queryEpoch;
  }

  private nextPhraseEpoch(): number {
    if (this.phraseEpoch === 0xffffffff) {
      this.phraseStamp.fill(0);
      this.phraseEpoch = 0;
    }
    return ++this.phraseEpoch;
  }

  private ensureCapacity(size: number): void {
    if (size <= this.capacity) return;
    const capacity = Math.max(size, this.capacity * 2, 1024);
    const grow = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.live = grow(this.live, (n) => new Uint8Array(n));
    this.inSegment = grow(this.inSegment, (n) => new Uint8Array(n));
    this.length = grow(this.length, (n) => new Int32Array(n));
    this.queryStamp = grow(this.queryStamp, (n) => new Uint32Array(n));
    this.phraseStamp = grow(this.phraseStamp, (n) => new Uint32Array(n));
    this.frequency = new Float64Array(capacity);
    this.score = new Float64Array(capacity);
    this.matched = new Int32Array(capacity);
    this.matchedAsTyped = new Int32Array(capacity);
    this.phraseKeys = new Int32Array(capacity);
    this.touched = new Int32Array(capacity);
    this.capacity = capacity;
  }
}

/**
 * One phrase's share of a document's bm25: FTS5's fts5Bm25Function, operation for operation, so the
 * sums agree to the last bit ((1 - b) + x is how `1 - BM25_B + x` evaluates).
 */
function bm25Share(idf: number, f: number, length: number, avgdl: number): number {
  return idf * ((f * (BM25_K1 + 1.0)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * length) / avgdl)));
}

/** The first index of `sorted` whose term is not below `term`. */
function lowerBound(sorted: readonly string[], term: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < term) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The best `size` keys seen, worst on top of a binary heap, with each key's tier, score and id beside
 * it. `admits` rejects a key that cannot enter on its tier and score alone, so a million candidates
 * cost a million number comparisons (an id is read only for a tie with the worst kept) and the
 * caller's filter runs only for the few hundred keys that would enter. Broad queries tie often (the
 * same frequency and length make the same score), so the kept keys' ids are read once, on entry.
 */
class RankHeap {
  private readonly keys: Int32Array;
  private readonly scores: Float64Array;
  private readonly tiers: Uint8Array;
  private readonly ids: string[];
  private count = 0;

  constructor(
    private readonly size: number,
    private readonly idOf: (key: number) => string,
  ) {
    this.keys = new Int32Array(size);
    this.scores = new Float64Array(size);
    this.tiers = new Uint8Array(size);
    this.ids = new Array<string>(size).fill('');
  }

  /** Whether `key` with this tier and score would be kept (before any key offered after it). */
  admits(key: number, tier: number, score: number): boolean {
    if (this.count < this.size) return true;
    if (this.size === 0) return false;
    const worstTier = this.tiers[0]!;
    if (tier !== worstTier) return tier < worstTier;
    const worstScore = this.scores[0]!;
    if (score !== worstScore) return score > worstScore;
    return this.idOf(key) < this.ids[0]!;
  }

  /** A score a key of `tier` must reach to be kept (ties are for `admits`): -Infinity while the heap has room. */
  floor(tier: number): number {
    if (this.size === 0) return Infinity;
    if (this.count < this.size) return -Infinity;
    const worstTier = this.tiers[0]!;
    return tier === worstTier ? this.scores[0]! : tier < worstTier ? -Infinity : Infinity;
  }

  /** Keeps `key`, dropping the worst kept when full: only after `admits` said yes. */
  insert(key: number, tier: number, score: number): void {
    const { keys, scores, tiers, ids } = this;
    const id = this.idOf(key);
    let i: number;
    if (this.count < this.size) {
      // Up from the new leaf while the parent ranks before the new key.
      i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!rankedBefore(tiers[parent]!, scores[parent]!, ids[parent]!, tier, score, id)) break;
        this.move(parent, i);
        i = parent;
      }
    } else {
      // Down from the root while a child ranks after the new key.
      const n = this.count;
      i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && rankedBefore(tiers[l]!, scores[l]!, ids[l]!, tiers[r]!, scores[r]!, ids[r]!) ? r : l;
        if (!rankedBefore(tier, score, id, tiers[c]!, scores[c]!, ids[c]!)) break;
        this.move(c, i);
        i = c;
      }
    }
    keys[i] = key;
    scores[i] = score;
    tiers[i] = tier;
    ids[i] = id;
  }

  /** The kept keys, best first: (tier, score desc, id). */
  sorted(): RankedKey[] {
    const order = Array.from({ length: this.count }, (_, i) => i);
    const { tiers, scores, ids } = this;
    order.sort((a, b) =>
      rankedBefore(tiers[a]!, scores[a]!, ids[a]!, tiers[b]!, scores[b]!, ids[b]!) ? -1 : rankedBefore(tiers[b]!, scores[b]!, ids[b]!, tiers[a]!, scores[a]!, ids[a]!) ? 1 : 0,
    );
    return order.map((i) => ({ key: this.keys[i]!, score: scores[i]!, tier: tiers[i]! }));
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.scores[to] = this.scores[from]!;
    this.tiers[to] = this.tiers[from]!;
    this.ids[to] = this.ids[from]!;
  }
}

/** (tier, score desc, id) order. */
function rankedBefore(tierA: number, scoreA: number, idA: string, tierB: number, scoreB: number, idB: string): boolean {
  if (tierA !== tierB) return tierA < tierB;
  if (scoreA !== scoreB) return scoreA > scoreB;
  return idA < idB;
}
