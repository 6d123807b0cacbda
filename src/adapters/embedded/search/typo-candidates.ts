/**
 * The embedded index's way of finding near-spellings (which ones count is decided in
 * search-text/near-spellings.ts): every vocabulary term's deletion neighbourhood is stored hashed.
 */
import { reachableEditsFor } from '../../search-text/edit-distance.js';

/**
 * Symmetric-delete (SymSpell) neighbourhood: the term and every string left after deleting up to
 * `depth` characters. Two terms within `d` edits (transpositions included) always share a member
 * of their depth-`d` neighbourhoods, so a lookup costs a few index probes instead of a vocabulary scan.
 */
export function deletionNeighbourhood(term: string, depth: number): Set<string> {
  const out = new Set<string>([term]);
  let frontier = [term];
  for (let level = 0; level < depth; level++) {
    const next: string[] = [];
    for (const word of frontier) {
      const chars = Array.from(word);
      if (chars.length <= 1) continue;
      for (let i = 0; i < chars.length; i++) {
        const shorter = chars.slice(0, i).join('') + chars.slice(i + 1).join('');
        if (!out.has(shorter)) {
          out.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** How deep a vocabulary term's neighbourhood is stored: as deep as any query that can reach it searches. */
export function indexedDepth(term: string): number {
  return reachableEditsFor(Array.from(term).length);
}

/**
 * Names the rule indexedDepth follows. A file written under another rule has shallower neighbourhoods
 * than queries now search, so the index deepens them once when it opens the file.
 */
export const NEIGHBOURHOOD_RULE = 2;

/**
 * 32-bit FNV-1a: the neighbourhood table stores hashes, not strings, to stay small. A collision only
 * adds a candidate that the edit-distance check then drops.
 */
export function neighbourHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
