// The Hugging Face BPE model: merges are an ordered list of token pairs; the pair with the lowest merge
// index is merged first (leftmost on ties), and only listed pairs merge. Input symbols are bytes
// (ByteLevel vocabularies) or characters (SentencePiece-style), with optional byte fallback (<0x0A>).

import { isAscii, utf8Key } from './bytes';
import { UnknownTokenError } from './error-types';
import { MinHeap, POSITION_SPAN } from './heap';
import type { TokenizerModel } from './rank-model';

/** Pair ids are packed as left · 2^22 + right. */
const ID_SPAN = 4194304;
const MAX_CACHED_PIECE = 64;
const MAX_CACHE_ENTRIES = 100_000;

/** Options of a merges model. */
export interface MergesModelOptions {
  /** id → token bytes (latin1 key). */
  keys: (string | undefined)[];
  /** Ordered merges as [leftId, rightId, mergedId]. */
  merges: [number, number, number][];
  /** Symbols are bytes (ByteLevel) instead of characters. */
  byteLevel: boolean;
  /** Unknown characters become their <0xXX> byte tokens. */
  byteFallback: boolean;
  /** Id of the unknown token (-1: none, then unknown characters throw). */
  unkId: number;
  /** Consecutive unknown characters become one unknown token. */
  fuseUnk: boolean;
  /** Look the whole piece up in the vocabulary before merging. */
  ignoreMerges: boolean;
}

/** Hugging Face BPE semantics over ids. */
export class MergesModel implements TokenizerModel {
  readonly keys: (string | undefined)[];
  readonly vocab = new Map<string, number>();
  readonly merges: [number, number, number][];
  private readonly pairs = new Map<number, number>(); // left·2^22+right → rank·2^22+merged
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly o: MergesModelOptions;
  private cache = new Map<string, number[]>();

  constructor(o: MergesModelOptions) {
    this.o = o;
    this.keys = o.keys;
    this.merges = o.merges;
    o.keys.forEach((key, id) => {
      if (key !== undefined && !this.vocab.has(key)) this.vocab.set(key, id);
    });
    o.merges.forEach(([left, right, merged], rank) => {
      const pair = left * ID_SPAN + right;
      if (!this.pairs.has(pair)) this.pairs.set(pair, rank * ID_SPAN + merged);
    });
    for (let b = 0; b < 256; b++) {
      const key = String.fromCharCode(b);
      const id = o.byteLevel
        ? this.vocab.get(key)
        : this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id !== undefined) this.byteIds[b] = id;
    }
  }

  encodePiece(piece: string, out: number[]): void {
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      for (const id of cached) out.push(id);
      return;
    }
    const key = isAscii(piece) ? piece : utf8Key(piece);
    const whole = this.o.ignoreMerges ? this.vocab.get(key) : undefined;
    const ids = whole !== undefined ? [whole] : this.merge(this.symbols(piece, key));
    if (piece.length <= MAX_CACHED_PIECE) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(piece, ids);
    }
    for (const id of ids) out.push(id);
  }

  /** The initial symbols: one id per byte, or per character (with byte fallback / unk). */
  private symbols(piece: string, key: string): number[] {
    const ids: number[] = [];
    if (this.o.byteLevel) {
      for (let i = 0; i < key.length; i++) {
        const id = this.byteIds[key.charCodeAt(i)]!;
        if (id < 0)
          throw new UnknownTokenError(
            `The vocabulary has no token for byte 0x${key.charCodeAt(i).toString(16)}.`,
          );
        ids.push(id);
      }
      return ids;
    }
    let lastUnk = false;
    for (const ch of piece) {
      const charKey = utf8Key(ch);
      const id = this.vocab.get(charKey);
      if (id !== undefined) {
        ids.push(id);
        lastUnk = false;
        continue;
      }
      if (this.o.byteFallback && [...charKey].every((c) => this.byteIds[c.charCodeAt(0)]! >= 0)) {
        for (const c of charKey) ids.push(this.byteIds[c.charCodeAt(0)]!);
        lastUnk = false;
        continue;
      }
      if (this.o.unkId < 0) {
        throw new UnknownTokenError(
          `The vocabulary has no token for ${JSON.stringify(ch)} and no unk_token / byte fallback.`,
        );
      }
      if (!(this.o.fuseUnk && lastUnk)) ids.push(this.o.unkId);
      lastUnk = true;
    }
    return ids;
  }

  /** Merges listed pairs, lowest merge index first (leftmost on ties), with a linked list + heap. */
  private merge(ids: number[]): number[] {
    const n = ids.length;
    if (n < 2) return ids;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const pairRank = new Float64Array(n); // merge index of (i, next[i]); -1 once part i is merged away
    const heap = new MinHeap();
    const rankOf = (i: number, j: number): number | undefined => {
      const packed = this.pairs.get(ids[i]! * ID_SPAN + ids[j]!);
      return packed === undefined ? undefined : Math.floor(packed / ID_SPAN);
    };
    const set = (i: number): void => {
      const r = next[i]! < n ? rankOf(i, next[i]!) : undefined;
      pairRank[i] = r ?? Infinity;
      if (r !== undefined) heap.push(r * POSITION_SPAN + i);
    };
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (let i = 0; i < n; i++) set(i);
    while (heap.size > 0) {
      const entry = heap.pop();
      const rank = Math.floor(entry / POSITION_SPAN);
      const i = entry - rank * POSITION_SPAN;
      if (pairRank[i] !== rank) continue;
      const j = next[i]!;
      ids[i] = this.pairs.get(ids[i]! * ID_SPAN + ids[j]!)! % ID_SPAN;
      next[i] = next[j]!;
      if (next[j]! < n) prev[next[j]!] = i;
      pairRank[j] = -1;
      set(i);
      if (prev[i]! >= 0) set(prev[i]!);
    }
    const out: number[] = [];
    for (let i = 0; i < n; i = next[i]!) out.push(ids[i]!);
    return out;
  }
}
