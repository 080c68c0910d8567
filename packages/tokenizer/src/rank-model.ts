// The tiktoken-style model: token bytes → rank, rank = id, merged by `mergeByRank`.

import { mergeByRank } from './bpe';
import { utf8Key } from './bytes';

/** Pieces longer than this (UTF-16 units) are not cached: they are rare and would bloat the caches. */
const MAX_CACHED_PIECE = 64;
/** A piece cache is cleared when it grows past this many entries (a cheap bounded cache). */
const MAX_CACHE_ENTRIES = 200_000;

/** What every model gives the Tokenizer: piece → ids, and the token bytes for display. */
export interface TokenizerModel {
  /** Appends the ids of one pre-tokenized piece (a JS string) to `out`. */
  encodePiece(piece: string, out: number[]): void;
  /** id → token bytes as a latin1 key, as shown by `tokenize` (undefined: no ordinary token). */
  readonly keys: readonly (string | undefined)[];
}

/** Options of a rank model. */
export interface RankModelOptions {
  /** Start merging from UTF-8 characters instead of bytes. */
  charLevel: boolean;
  /** Char level only: ' ' in the input is looked up as this marker. */
  spaceMarker?: string | undefined;
}

/** tiktoken semantics: whole-piece lookup, then rank-ordered merging of adjacent parts. */
export class RankModel implements TokenizerModel {
  readonly keys: (string | undefined)[];
  readonly ranks: Map<string, number>;
  readonly charLevel: boolean;
  readonly spaceMarker: string | undefined;
  // piece text → its one id / its ids. Filled on first sight of a piece, so the hot path is one Map
  // lookup keyed by the piece itself (no UTF-8 conversion). Keyed by the exact JS string, so a piece with
  // a lone surrogate caches its own (U+FFFD) result and never aliases a well-formed piece.
  private single = new Map<string, number>();
  private multi = new Map<string, number[]>();

  /** @param ranks token bytes (latin1 key) → rank (= id) */
  constructor(ranks: Map<string, number>, o: RankModelOptions) {
    this.ranks = ranks;
    this.charLevel = o.charLevel;
    this.spaceMarker = o.spaceMarker;
    this.keys = [];
    for (const [key, id] of ranks) this.keys[id] = key;
  }

  encodePiece(piece: string, out: number[]): void {
    const id = this.single.get(piece);
    if (id !== undefined) {
      out.push(id);
      return;
    }
    const cached = this.multi.get(piece);
    if (cached !== undefined) {
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const text = this.spaceMarker === undefined ? piece : piece.replaceAll(' ', this.spaceMarker);
    const key = utf8Key(text);
    // whole-piece lookup first: most pieces of real text are one token
    const whole = this.ranks.get(key);
    if (whole !== undefined) {
      if (piece.length <= MAX_CACHED_PIECE) {
        if (this.single.size >= MAX_CACHE_ENTRIES) this.single.clear();
        this.single.set(piece, whole);
      }
      out.push(whole);
      return;
    }
    const ids: number[] = [];
    mergeByRank(this.ranks, key, this.charLevel, ids);
    if (piece.length <= MAX_CACHED_PIECE) {
      if (this.multi.size >= MAX_CACHE_ENTRIES) this.multi.clear();
      this.multi.set(piece, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }
}
