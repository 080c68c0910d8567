// Rank-ordered byte-pair merging, tiktoken semantics: a piece starts as single bytes (or single UTF-8
// characters in char granularity); repeatedly the adjacent pair whose concatenation has the lowest rank
// is merged (leftmost on ties) until no adjacent concatenation is in the table. Rank = token id.
//
// Two loops, one result: short pieces use tiktoken's O(n²) scan over a boundary array (fast for the
// usual 1–20 bytes); long pieces (a 100 000-letter run, base64) use a linked list + min-heap, O(n log n).

import { utf8SequenceLength } from './bytes';
import { UnknownTokenError } from './error-types';
import { MinHeap, POSITION_SPAN } from './heap';

/** Pieces with more initial parts than this use the heap loop. */
const SHORT_PIECE_PARTS = 96;

// Scratch buffers of the short loop, reused across calls (encode is synchronous and single-threaded).
const starts = new Int32Array(SHORT_PIECE_PARTS + 1);
const pairRanks = new Float64Array(SHORT_PIECE_PARTS);

/**
 * Appends the ids of `key` (a piece's UTF-8 bytes as a latin1 string) to `out`.
 * @param ranks token bytes (latin1 key) → rank (= id)
 * @param charLevel start from UTF-8 characters instead of bytes
 * @example with ranks {l:0,o:1,w:2,e:3,s:5,t:6,lo:9,low:10,lowe:11}: mergeByRank(ranks,'lowest',true,out) → out [11,5,6]
 */
export function mergeByRank(
  ranks: Map<string, number>,
  key: string,
  charLevel: boolean,
  out: number[],
): void {
  const n = key.length;
  let parts = 0;
  if (!charLevel) {
    if (n > SHORT_PIECE_PARTS) {
      mergeLong(ranks, key, byteBounds(n), out);
      return;
    }
    for (let i = 0; i <= n; i++) starts[i] = i;
    parts = n;
  } else {
    const bounds = charBounds(key);
    if (bounds.length - 1 > SHORT_PIECE_PARTS) {
      mergeLong(ranks, key, bounds, out);
      return;
    }
    for (let i = 0; i < bounds.length; i++) starts[i] = bounds[i]!;
    parts = bounds.length - 1;
  }
  // pairRanks[i] = rank(part i ++ part i+1), Infinity when that concatenation is no token.
  for (let i = 0; i + 1 < parts; i++)
    pairRanks[i] = ranks.get(key.slice(starts[i]!, starts[i + 2]!)) ?? Infinity;
  while (parts > 1) {
    let min = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < parts; i++) {
      if (pairRanks[i]! < min) {
        min = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) break;
    // merge parts at, at+1: drop boundary at+1; pairs right of the merge shift left by one
    starts.copyWithin(at + 1, at + 2, parts + 1);
    pairRanks.copyWithin(at + 1, at + 2, parts - 1);
    parts--;
    if (at + 1 < parts) pairRanks[at] = ranks.get(key.slice(starts[at]!, starts[at + 2]!)) ?? Infinity;
    if (at > 0) pairRanks[at - 1] = ranks.get(key.slice(starts[at - 1]!, starts[at + 1]!)) ?? Infinity;
  }
  for (let i = 0; i < parts; i++) out.push(partId(ranks, key, starts[i]!, starts[i + 1]!));
}

/** Linked-list + heap merge for long pieces; `bounds` are the initial part boundaries (n + 1 of them). */
function mergeLong(ranks: Map<string, number>, key: string, bounds: ArrayLike<number>, out: number[]): void {
  const n = bounds.length - 1;
  const next = new Int32Array(n); // next[i]: index of the part after i (n: none)
  const prev = new Int32Array(n); // prev[i]: index of the part before i (-1: none)
  const pairRank = new Float64Array(n); // rank of (i, next[i]); -1 once part i is merged away
  const heap = new MinHeap();
  const end = (i: number): number => (next[i]! < n ? bounds[next[i]!]! : key.length);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    const r = i + 1 < n ? ranks.get(key.slice(bounds[i]!, bounds[i + 2]!)) : undefined;
    pairRank[i] = r ?? Infinity;
    if (r !== undefined) heap.push(r * POSITION_SPAN + i);
  }
  while (heap.size > 0) {
    const entry = heap.pop();
    const rank = Math.floor(entry / POSITION_SPAN);
    const i = entry - rank * POSITION_SPAN;
    if (pairRank[i] !== rank) continue; // stale: the pair changed since this entry was pushed
    const j = next[i]!;
    const after = next[j]!;
    next[i] = after;
    if (after < n) prev[after] = i;
    pairRank[j] = -1;
    if (after < n) {
      const r = ranks.get(key.slice(bounds[i]!, end(after)));
      pairRank[i] = r ?? Infinity;
      if (r !== undefined) heap.push(r * POSITION_SPAN + i);
    } else {
      pairRank[i] = Infinity;
    }
    const p = prev[i]!;
    if (p >= 0) {
      const r = ranks.get(key.slice(bounds[p]!, end(i)));
      pairRank[p] = r ?? Infinity;
      if (r !== undefined) heap.push(r * POSITION_SPAN + p);
    }
  }
  for (let i = 0; i < n; i = next[i]!) out.push(partId(ranks, key, bounds[i]!, end(i)));
}

function partId(ranks: Map<string, number>, key: string, from: number, to: number): number {
  const id = ranks.get(key.slice(from, to));
  if (id !== undefined) return id;
  throw new UnknownTokenError(
    `No token for ${describeKey(key.slice(from, to))}: the vocabulary must contain every single byte ` +
      '(byte granularity) or every character of the input (char granularity).',
  );
}

function describeKey(key: string): string {
  const bytes = Array.from(key, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(key, (c) => c.charCodeAt(0)),
    );
    return `${JSON.stringify(text)} (bytes ${bytes})`;
  } catch {
    return `bytes ${bytes}`;
  }
}

function byteBounds(n: number): Int32Array {
  const bounds = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) bounds[i] = i;
  return bounds;
}

/** Boundaries of the UTF-8 characters of a latin1 key, including 0 and key.length. */
function charBounds(key: string): number[] {
  const bounds: number[] = [];
  let i = 0;
  while (i < key.length) {
    bounds.push(i);
    i = Math.min(key.length, i + utf8SequenceLength(key.charCodeAt(i)));
  }
  bounds.push(key.length);
  return bounds;
}
