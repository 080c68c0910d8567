// Unicode character classes for the hand-written pre-tokenizers, as bit flags per code point, from the pinned
// Unicode sets of ./unicode (never the JS engine's own Unicode tables, whose version varies). The Basic
// Multilingual Plane is one Uint8Array (64 KiB); astral code points are looked up by binary search in the
// list of astral ranges where the flags change. Both are built on first use.

import { type CodePointRanges, inRanges, unicodeSet, unionRanges } from './unicode';

/** \p{L} */
export const LETTER = 1;
/** o200k's "upper-ish" letters: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
export const UPPERISH = 2;
/** o200k's "lower-ish" letters: [\p{Ll}\p{Lm}\p{Lo}\p{M}] */
export const LOWERISH = 4;
/** \p{N} */
export const NUMBER = 8;
/** White_Space (Rust regex `\s`) */
export const SPACE = 16;
/** '\r' or '\n' */
export const NEWLINE = 32;

/** Each flag's code points. */
function flagSets(): [number, CodePointRanges][] {
  const set = unicodeSet;
  return [
    [LETTER, set('L')],
    [UPPERISH, unionRanges(set('Lu'), set('Lt'), set('Lm'), set('Lo'), set('M'))],
    [LOWERISH, unionRanges(set('Ll'), set('Lm'), set('Lo'), set('M'))],
    [NUMBER, set('N')],
    [SPACE, set('White_Space')],
    [NEWLINE, Uint32Array.of(10, 11, 13, 14)],
  ];
}

let bmp: Uint8Array | undefined;
/** Astral code points: astralFlags[i] holds from astralStarts[i] up to the next start. */
let astralStarts: Uint32Array = new Uint32Array(0);
let astralFlags: Uint8Array = new Uint8Array(0);

function build(): Uint8Array {
  const sets = flagSets();
  const table = new Uint8Array(0x10000); // surrogates: 0, like any other symbol
  const bounds = new Set<number>([0x10000]);
  for (const [flag, ranges] of sets) {
    for (let i = 0; i < ranges.length; i += 2) {
      const begin = ranges[i]!;
      const end = ranges[i + 1]!;
      for (let cp = begin; cp < Math.min(end, 0x10000); cp++) table[cp]! |= flag;
      if (end > 0x10000) {
        bounds.add(Math.max(begin, 0x10000));
        if (end < 0x110000) bounds.add(end);
      }
    }
  }
  astralStarts = Uint32Array.from([...bounds].sort((a, b) => a - b));
  astralFlags = new Uint8Array(astralStarts.length);
  astralStarts.forEach((start, i) => {
    for (const [flag, ranges] of sets) if (inRanges(ranges, start)) astralFlags[i]! |= flag;
  });
  bmp = table;
  return table;
}

/** Flags of an astral code point (≥ U+10000); the tables must be built. */
function astralFlagsOf(cp: number): number {
  let lo = 0;
  let hi = astralStarts.length - 1; // the answer: the last start ≤ cp, in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (astralStarts[mid]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  return astralFlags[lo]!;
}

/** Class flags of any code point (0..0x10FFFF). */
export function flagsOf(cp: number): number {
  const table = bmp ?? build();
  return cp < 0x10000 ? table[cp]! : astralFlagsOf(cp);
}

/** Class flags and width (1 or 2 UTF-16 units) of the code point at `i`, packed as flags · 4 + width. */
export function classAt(table: Uint8Array, text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return table[c]! * 4 + 1;
  if (c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff)
      return astralFlagsOf(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)) * 4 + 2;
  }
  return 1; // a lone surrogate: a symbol with no class (the regex sees it the same way)
}

/** The BMP flag table (built once, with the astral lookup). */
export function classTable(): Uint8Array {
  return bmp ?? build();
}
