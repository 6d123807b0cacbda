import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import type { AttributeState } from '../attribute-store.js';
import type { PostingWeights } from './postings-segment.js';

/**
 * The in-memory search state as a file: what a restart loads instead of re-reading every row and
 * re-tokenizing every book. Both halves are of the same tables at the same `generation` and `seq`,
 * so a reader that catches up from `seq` brings both up to date together.
 */
export interface RankingSnapshot {
  /** The index tables' generation and seq the postings reflect (see schema.ts's META). */
  generation: number;
  seq: number;
  vocabulary: string[];
  offsets: Int32Array;
  keys: Int32Array;
  weights: PostingWeights;
  /** The documents the postings hold, and each one's length. */
  docKeys: Int32Array;
  lengths: Int32Array;
  /** The AttributeStore's filter fields and ids as of the same seq. */
  attributes: AttributeState;
}

// Version 2 added the attributes; a version 1 file is not read (the tables are, once, and it is replaced).
const MAGIC = 'bookstore-ranking-index 2\n';

interface Header {
  generation: number;
  seq: number;
  terms: number;
  postings: number;
  /** 2 when the weights are Uint16, 4 when Float32. */
  weightBytes: 2 | 4;
  docs: number;
  vocabularyBytes: number;
  /** Length of every attribute array: the highest document key held, plus one. */
  slots: number;
  idsBytes: number;
  categories: string[];
}

const align = (n: number) => (n + 7) & ~7;

type Typed = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/**
 * Writes beside the file and renames over it, so a crash mid-write leaves the previous snapshot.
 * Layout: magic, a JSON header line, the vocabulary joined by newlines (terms never contain one), the
 * ids joined likewise, then the typed arrays, each 8-byte aligned so a reader can view them in place.
 */
export function writeRankingSnapshot(file: string, s: RankingSnapshot): void {
  const vocabulary = Buffer.from(s.vocabulary.join('\n'), 'utf8');
  const a = s.attributes;
  const slots = a.live.length;
  const ids = Buffer.from(a.ids.join('\n'), 'utf8');
  const header: Header = {
    generation: s.generation,
    seq: s.seq,
    terms: s.vocabulary.length,
    postings: s.keys.length,
    weightBytes: s.weights instanceof Uint16Array ? 2 : 4,
    docs: s.docKeys.length,
    vocabularyBytes: vocabulary.length,
    slots,
    idsBytes: ids.length,
    categories: a.categoryNames,
  };
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const parts: Buffer[] = [head, vocabulary, ids];
  let size = head.length + vocabulary.length + ids.length;
  const arrays: Typed[] = [s.offsets, s.keys, s.weights, s.docKeys, s.lengths, a.price, a.rating, a.category, a.year, a.live];
  for (const array of arrays) {
    const padding = align(size) - size;
    if (padding > 0) parts.push(Buffer.alloc(padding));
    parts.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    size += padding + array.byteLength;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat(parts, size), { mode: 0o600 });
  renameSync(temporary, file);
}

/** Up to `length` bytes of `fd` from `position`. */
function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * The snapshot in `file`, or null when there is none or it is not one this code wrote. The text (the
 * vocabulary and ids, turned into strings) is read on its own and let go; the typed arrays are views
 * over one buffer holding the rest of the file (every array starts 8-byte aligned), not copies: a
 * million books' postings and attributes come to memory once, in one read.
 */
export function readRankingSnapshot(file: string): RankingSnapshot | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    return readOpenSnapshot(fd, file);
  } finally {
    closeSync(fd);
  }
}

function readOpenSnapshot(fd: number, file: string): RankingSnapshot | null {
  const size = fstatSync(fd).size;
  // The header line holds only counts and the category names: it fits in the first 64 KiB.
  const start = Buffer.alloc(Math.min(size, 1 << 16));
  readAt(fd, start, 0);
  if (start.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) return null;
  const headerEnd = start.indexOf(10, MAGIC.length);
  if (headerEnd < 0) return null;
  const header = JSON.parse(start.subarray(MAGIC.length, headerEnd).toString('utf8')) as Header;
  const textStart = headerEnd + 1;
  const textBytes = header.vocabularyBytes + header.idsBytes;
  if (textStart + textBytes > size) throw new Error(`ranking snapshot ${file} is truncated; delete it and the index is rebuilt from the tables`);
  const text = Buffer.alloc(textBytes);
  readAt(fd, text, textStart);
  const vocabularyText = text.subarray(0, header.vocabularyBytes).toString('utf8');
  const idsText = text.subarray(header.vocabularyBytes).toString('utf8');
  const arraysStart = align(textStart + textBytes);
  // Its own ArrayBuffer, so offset 0 is 8-byte aligned and every view below is too.
  const arrays = new Uint8Array(Math.max(0, size - arraysStart));
  if (readAt(fd, arrays, arraysStart) !== arrays.length) return null;
  let at = 0;
  const take = <T>(count: number, bytesPer: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    at = align(at);
    const bytes = count * bytesPer;
    if (at + bytes > arrays.length) throw new Error(`ranking snapshot ${file} is truncated; delete it and the index is rebuilt from the tables`);
    const array = make(arrays.buffer, at, count);
    at += bytes;
    return array;
  };
  const offsets = take(header.terms + 1, 4, (b, o, n) => new Int32Array(b, o, n));
  const keys = take(header.postings, 4, (b, o, n) => new Int32Array(b, o, n));
  const weights: PostingWeights =
    header.weightBytes === 2 ? take(header.postings, 2, (b, o, n) => new Uint16Array(b, o, n)) : take(header.postings, 4, (b, o, n) => new Float32Array(b, o, n));
  const docKeys = take(header.docs, 4, (b, o, n) => new Int32Array(b, o, n));
  const lengths = take(header.docs, 4, (b, o, n) => new Int32Array(b, o, n));
  const price = take(header.slots, 8, (b, o, n) => new Float64Array(b, o, n));
  const rating = take(header.slots, 8, (b, o, n) => new Float64Array(b, o, n));
  const category = take(header.slots, 4, (b, o, n) => new Int32Array(b, o, n));
  const year = take(header.slots, 4, (b, o, n) => new Int32Array(b, o, n));
  const live = take(header.slots, 1, (b, o, n) => new Uint8Array(b, o, n));
  const vocabulary = header.terms === 0 ? [] : vocabularyText.split('\n');
  const ids = header.slots === 0 ? [] : idsText.split('\n');
  // A count that does not add up (an id holding a newline, a damaged file) is no snapshot: the tables are read instead.
  if (vocabulary.length !== header.terms || ids.length !== header.slots) return null;
  return {
    generation: header.generation,
    seq: header.seq,
    vocabulary,
    offsets,
    keys,
    weights,
    docKeys,
    lengths,
    attributes: { live, category, price, rating, year, ids, categoryNames: header.categories },
  };
}
