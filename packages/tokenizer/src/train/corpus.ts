// Corpus → unique pieces with their frequencies → a WordTable of symbol ids (bytes or characters).

import type { WordTable } from './learn-merges';

/** Adds the pieces of one text to `counts` (piece → occurrences). */
export type PieceCounter = (text: string, counts: Map<string, number>) => void;

/** A PieceCounter from a global regex: every match is a piece. */
export function regexPieces(pattern: RegExp): PieceCounter {
  return (text, counts) => {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const piece = m[0];
      if (piece.length === 0) {
        pattern.lastIndex++;
        continue;
      }
      counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
  };
}

/**
 * Splits each text on the special tokens (they are never learned from), pre-tokenizes the rest, and counts
 * each distinct piece. Map order = order of first occurrence.
 */
export function countPieces(
  texts: Iterable<string>,
  addPieces: PieceCounter,
  specials: RegExp | null,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    if (specials === null) addPieces(text, counts);
    else for (const part of text.split(specials)) addPieces(part, counts);
  }
  return counts;
}

/** Byte-level words: symbol = UTF-8 byte value (base ids 0..255 in byte order). */
export function byteWords(pieces: Map<string, number>): WordTable {
  const encoder = new TextEncoder();
  let capacity = 1 << 16;
  let bytes = new Uint8Array(capacity);
  const starts = new Int32Array(pieces.size);
  const lengths = new Int32Array(pieces.size);
  const freqs = new Float64Array(pieces.size);
  let used = 0;
  let w = 0;
  for (const [piece, count] of pieces) {
    // A UTF-16 code unit becomes at most 3 UTF-8 bytes.
    if (used + piece.length * 3 > capacity) {
      while (used + piece.length * 3 > capacity) capacity *= 2;
      const next = new Uint8Array(capacity);
      next.set(bytes.subarray(0, used));
      bytes = next;
    }
    const { written } = encoder.encodeInto(piece, bytes.subarray(used));
    starts[w] = used;
    lengths[w] = written;
    freqs[w] = count;
    used += written;
    w++;
  }
  return { symbols: Int32Array.from(bytes.subarray(0, used)), starts, lengths, freqs };
}

/**
 * Char-level words: symbol = index of a Unicode character in `alphabet`, which lists the corpus's characters
 * in order of first occurrence, with ' ' (shown as `spaceMarker`) moved to the end.
 */
export function charWords(
  pieces: Map<string, number>,
  spaceMarker: string,
): { words: WordTable; alphabet: string[] } {
  const idOf = new Map<string, number>();
  const alphabet: string[] = [];
  let total = 0;
  for (const piece of pieces.keys()) {
    for (const ch of piece) {
      total++;
      if (ch !== ' ' && !idOf.has(ch)) {
        idOf.set(ch, alphabet.length);
        alphabet.push(ch);
      }
    }
  }
  let hasSpace = false;
  for (const piece of pieces.keys()) if (piece.includes(' ')) hasSpace = true;
  if (hasSpace) {
    idOf.set(' ', alphabet.length);
    alphabet.push(spaceMarker);
  }
  const symbols = new Int32Array(total);
  const starts = new Int32Array(pieces.size);
  const lengths = new Int32Array(pieces.size);
  const freqs = new Float64Array(pieces.size);
  let used = 0;
  let w = 0;
  for (const [piece, count] of pieces) {
    starts[w] = used;
    for (const ch of piece) symbols[used++] = idOf.get(ch)!;
    lengths[w] = used - starts[w]!;
    freqs[w] = count;
    w++;
  }
  return { words: { symbols, starts, lengths, freqs }, alphabet };
}
