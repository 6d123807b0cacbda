import type { IndexedText } from './indexed-text.js';

/**
 * Weighted frequencies as stored: sums of small integer column weights (ranking.ts), so two bytes hold
 * them exactly and a million books' postings take 80 MB less than as floats. A segment holding any
 * weight two bytes cannot (a fraction, or a word repeated thousands of times) keeps floats.
 */
export type PostingWeights = Uint16Array | Float32Array;

const MAX_NARROW_WEIGHT = 0xffff;

/**
 * Immutable postings of many documents: a sorted vocabulary (so the terms starting with a prefix are
 * one contiguous range) and, per term, parallel typed arrays of document keys and weighted
 * frequencies. Typed arrays keep a million books in a few hundred MiB and scan at memory speed.
 */
export class PostingsSegment {
  constructor(
    readonly vocabulary: readonly string[],
    /** Postings of vocabulary[i] are at [offsets[i], offsets[i + 1]). */
    readonly offsets: Int32Array,
    readonly keys: Int32Array,
    readonly weights: PostingWeights,
  ) {}

  static empty(): PostingsSegment {
    return new PostingsSegment([], new Int32Array(1), new Int32Array(0), new Uint16Array(0));
  }

  get size(): number {
    return this.keys.length;
  }

  /** The vocabulary indexes [start, end) of `term`, or of every term starting with it when `prefix`. */
  range(term: string, prefix: boolean): [number, number] {
    const start = this.lowerBound(term);
    if (!prefix) return this.vocabulary[start] === term ? [start, start + 1] : [start, start];
    // Terms starting with `term` follow it contiguously; the first one that does not ends the range.
    let lo = start;
    let hi = this.vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vocabulary[mid]!.startsWith(term)) lo = mid + 1;
      else hi = mid;
    }
    return [start, lo];
  }

  private lowerBound(term: string): number {
    let lo = 0;
    let hi = this.vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.vocabulary[mid]! < term) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Growable typed array, doubling like a vector. */
class Column<T extends Int32Array | Float32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

/**
 * Collects documents in any order and lays their postings out term by term. Postings are kept as one
 * flat list of (term, key, weight) while collecting and grouped by a counting sort at the end, so a
 * million documents never make a million small arrays.
 */
export class SegmentBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly termOf = new Column(new Int32Array(1 << 16), (n) => new Int32Array(n));
  private readonly keyOf = new Column(new Int32Array(1 << 16), (n) => new Int32Array(n));
  private readonly weightOf = new Column(new Float32Array(1 << 16), (n) => new Float32Array(n));
  private narrow = true;

  add(key: number, text: Pick<IndexedText, 'terms' | 'weights'>): void {
    for (let i = 0; i < text.terms.length; i++) this.addPosting(text.terms[i]!, key, text.weights[i]!);
  }

  addPosting(term: string, key: number, weight: number): void {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(term, id);
    }
    this.termOf.push(id);
    this.keyOf.push(key);
    this.weightOf.push(weight);
    if (this.narrow && !(Number.isInteger(weight) && weight >= 0 && weight <= MAX_NARROW_WEIGHT)) this.narrow = false;
  }

  finish(): PostingsSegment {
    const terms = [...this.termIds.keys()];
    const sorted = terms.map((_, id) => id).sort((a, b) => (terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0));
    const rankOf = new Int32Array(terms.length);
    sorted.forEach((id, rank) => (rankOf[id] = rank));
    const offsets = new Int32Array(terms.length + 1);
    const n = this.termOf.length;
    const termOf = this.termOf.data;
    for (let i = 0; i < n; i++) offsets[rankOf[termOf[i]!]! + 1]!++;
    for (let r = 0; r < terms.length; r++) offsets[r + 1]! += offsets[r]!;
    const fill = offsets.slice(0, terms.length);
    const keys = new Int32Array(n);
    const weights = this.narrow ? new Uint16Array(n) : new Float32Array(n);
    const keyOf = this.keyOf.data;
    const weightOf = this.weightOf.data;
    for (let i = 0; i < n; i++) {
      const at = fill[rankOf[termOf[i]!]!]!++;
      keys[at] = keyOf[i]!;
      weights[at] = weightOf[i]!;
    }
    return new PostingsSegment(
      sorted.map((id) => terms[id]!),
      offsets,
      keys,
      weights,
    );
  }
}
