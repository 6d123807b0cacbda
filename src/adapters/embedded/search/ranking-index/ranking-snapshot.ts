import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The ranking index as a file: what a restart loads instead of re-reading and re-tokenizing every book. */
export interface RankingSnapshot {
  /** The index tables' generation and seq the postings reflect (see schema.ts's META). */
  generation: number;
  seq: number;
  vocabulary: string[];
  offsets: Int32Array;
  keys: Int32Array;
  weights: Float32Array;
  /** The documents the postings hold, and each one's length. */
  docKeys: Int32Array;
  lengths: Int32Array;
}

const MAGIC = 'bookstore-ranking-index 1\n';

interface Header {
  generation: number;
  seq: number;
  terms: number;
  postings: number;
  docs: number;
  vocabularyBytes: number;
}

const align = (n: number) => (n + 7) & ~7;

/**
 * Writes beside the file and renames over it, so a crash mid-write leaves the previous snapshot.
 * Layout: magic, a JSON header line, the vocabulary joined by newlines (terms never contain one),
 * then the typed arrays, each 8-byte aligned.
 */
export function writeRankingSnapshot(file: string, s: RankingSnapshot): void {
  const vocabulary = Buffer.from(s.vocabulary.join('\n'), 'utf8');
  const header: Header = { generation: s.generation, seq: s.seq, terms: s.vocabulary.length, postings: s.keys.length, docs: s.docKeys.length, vocabularyBytes: vocabulary.length };
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const parts: Buffer[] = [head, vocabulary];
  let size = head.length + vocabulary.length;
  for (const array of [s.offsets, s.keys, s.weights, s.docKeys, s.lengths]) {
    const padding = align(size) - size;
    if (padding > 0) parts.push(Buffer.alloc(padding));
    parts.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    size += padding + array.byteLength;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat(parts, size), { mode: 0o600 });
  renameSync(temporary, file);
}

/** The snapshot in `file`, or null when there is none or it is not one this code wrote. */
export function readRankingSnapshot(file: string): RankingSnapshot | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return null;
  }
  if (data.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) return null;
  const headerEnd = data.indexOf(10, MAGIC.length);
  if (headerEnd < 0) return null;
  const header = JSON.parse(data.subarray(MAGIC.length, headerEnd).toString('utf8')) as Header;
  let at = headerEnd + 1;
  const vocabularyText = data.subarray(at, at + header.vocabularyBytes).toString('utf8');
  at += header.vocabularyBytes;
  const take = <T>(count: number, make: (buffer: ArrayBufferLike) => T): T => {
    at = align(at);
    const bytes = count * 4;
    if (at + bytes > data.length) throw new Error(`ranking snapshot ${file} is truncated; delete it and the index is rebuilt from the tables`);
    // A copy: the typed arrays must be aligned and outlive the file buffer.
    const array = make(data.buffer.slice(data.byteOffset + at, data.byteOffset + at + bytes));
    at += bytes;
    return array;
  };
  const snapshot: RankingSnapshot = {
    generation: header.generation,
    seq: header.seq,
    vocabulary: header.terms === 0 ? [] : vocabularyText.split('\n'),
    offsets: take(header.terms + 1, (b) => new Int32Array(b)),
    keys: take(header.postings, (b) => new Int32Array(b)),
    weights: take(header.postings, (b) => new Float32Array(b)),
    docKeys: take(header.docs, (b) => new Int32Array(b)),
    lengths: take(header.docs, (b) => new Int32Array(b)),
  };
  if (snapshot.vocabulary.length !== header.terms) return null;
  return snapshot;
}
