/**
 * Postings keep their weighted frequencies in two bytes when every one fits exactly, floats otherwise,
 * and the snapshot gives back exactly what it was given either way.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentBuilder } from '../../src/adapters/embedded/search/ranking-index/postings-segment.js';
import { readRankingSnapshot, writeRankingSnapshot } from '../../src/adapters/embedded/search/ranking-index/ranking-snapshot.js';
import { tempDir } from '../support/temp-dir.js';

const dirs: Array<{ path: string; remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function segmentOf(weights: number[]) {
  const builder = new SegmentBuilder();
  weights.forEach((w, key) => builder.add(key, { terms: ['word', `only${key}`], weights: [w, 1] }));
  return builder.finish();
}

function roundTrip(segment: ReturnType<typeof segmentOf>) {
  const dir = tempDir('bookstore-postings-');
  dirs.push(dir);
  const file = join(dir.path, 'search.db.ranking');
  const slots = 3;
  writeRankingSnapshot(file, {
    generation: 1,
    seq: 7,
    vocabulary: [...segment.vocabulary],
    offsets: segment.offsets,
    keys: segment.keys,
    weights: segment.weights,
    docKeys: Int32Array.from([0, 1, 2]),
    lengths: Int32Array.from([4, 5, 6]),
    attributes: {
      live: Uint8Array.from([1, 1, 1]),
      category: Int32Array.from([0, 1, 0]),
      price: Float64Array.from([100, 250.5, 999]),
      rating: Float64Array.from([4.5, 3, 5]),
      year: Int32Array.from([2001, 1999, 2020]),
      ids: ['b-1', 'b-2', 'b-3'].slice(0, slots),
      categoryNames: ['Fiction', 'History'],
    },
  });
  return readRankingSnapshot(file)!;
}

describe('posting weights', () => {
  it('are two bytes each when every weight is a whole number that fits', () => {
    const segment = segmentOf([10, 15, 19]);
    expect(segment.weights).toBeInstanceOf(Uint16Array);
    const read = roundTrip(segment);
    expect(read.weights).toBeInstanceOf(Uint16Array);
    expect([...read.weights]).toEqual([...segment.weights]);
    expect([...read.keys]).toEqual([...segment.keys]);
    expect(read.vocabulary).toEqual(segment.vocabulary);
    expect(read.attributes.ids).toEqual(['b-1', 'b-2', 'b-3']);
    expect([...read.attributes.price]).toEqual([100, 250.5, 999]);
    expect(read.attributes.categoryNames).toEqual(['Fiction', 'History']);
    expect([read.generation, read.seq]).toEqual([1, 7]);
  });

  it('stay floats when one weight is a fraction or too large for two bytes', () => {
    for (const odd of [2.5, 70_000]) {
      const segment = segmentOf([10, odd, 19]);
      expect(segment.weights).toBeInstanceOf(Float32Array);
      const read = roundTrip(segment);
      expect(read.weights).toBeInstanceOf(Float32Array);
      expect([...read.weights]).toEqual([...segment.weights]);
      expect([...read.weights]).toContain(odd);
    }
  });
});
