// Unicode character classes for the hand-written pre-tokenizers, as bit flags per code point.
// The Basic Multilingual Plane is one Uint8Array (64 KiB, built on first use from the engine's own
// Unicode tables via RegExp property escapes); astral code points are classified on demand and memoised.

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

const CLASSES: [RegExp, number][] = [
  [/\p{L}/gu, LETTER],
  [/[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]/gu, UPPERISH],
  [/[\p{Ll}\p{Lm}\p{Lo}\p{M}]/gu, LOWERISH],
  [/\p{N}/gu, NUMBER],
  [/\p{White_Space}/gu, SPACE],
  [/[\r\n]/gu, NEWLINE],
];

let bmp: Uint8Array | undefined;
const astral = new Map<number, number>();

/** Flags of every BMP code point (surrogates: 0, like any other symbol). */
function bmpTable(): Uint8Array {
  if (bmp !== undefined) return bmp;
  const table = new Uint8Array(0x10000);
  // all BMP code points except surrogates, in order: index i is code point i (< 0xD800) or i + 0x800
  const codes: number[] = [];
  for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) codes.push(cp);
  let all = '';
  for (let i = 0; i < codes.length; i += 4096) all += String.fromCharCode(...codes.slice(i, i + 4096));
  for (const [regex, flag] of CLASSES) {
    for (const m of all.matchAll(regex)) table[codes[m.index]!]! |= flag;
  }
  bmp = table;
  return table;
}

function astralFlags(cp: number): number {
  let flags = astral.get(cp);
  if (flags === undefined) {
    const ch = String.fromCodePoint(cp);
    flags = 0;
    for (const [regex, flag] of CLASSES) {
      regex.lastIndex = 0;
      if (regex.test(ch)) flags |= flag;
    }
    astral.set(cp, flags);
  }
  return flags;
}

/** Class flags and width (1 or 2 UTF-16 units) of the code point at `i`, packed as flags · 4 + width. */
export function classAt(table: Uint8Array, text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return table[c]! * 4 + 1;
  if (c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return astralFlags(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)) * 4 + 2;
  }
  return 1; // a lone surrogate: a symbol with no class (the regex sees it the same way)
}

/** The BMP flag table (built once). */
export function classTable(): Uint8Array {
  return bmpTable();
}
