// Hand-written pre-tokenizers for the cl100k_base and o200k_base patterns: the same pieces as the regex
// (checked against it and against tiktoken in the tests), without a regex engine. Each alternative of
// the pattern is resolved exactly as a backtracking (leftmost-first) engine would:
//
// cl100k: '(?i:s|t|re|ve|m|ll|d) | [^\r\n L N]? L+ | N{1,3} | ' '? [^\s L N]+ [\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
// o200k:  P? A* B+ C? | P? A+ B* C? | N{1,3} | ' '? [^\s L N]+ [\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
//         P = [^\r\n L N], A = [Lu Lt Lm Lo M], B = [Ll Lm Lo M], C = (?i:'s|'t|'re|'ve|'m|'ll|'d)
//
// Whitespace runs (the last three alternatives), for a run [i, j):
//   \s*[\r\n]+  matches [i, k+1) where k is the run's last \r or \n (backtracking gives \s* back to it)
//   \s+(?!\S)   matches [i, j) at the end of the text, else [i, j-1) when the run has ≥ 2 characters
//   \s+         matches [i, j)

import { classAt, classTable, LETTER, LOWERISH, NEWLINE, NUMBER, SPACE, UPPERISH } from './char-classes';
import { CL100K_PATTERN, O200K_PATTERN } from './patterns';

/** Receives each piece as [from, to) UTF-16 offsets. */
export type PieceSink = (from: number, to: number) => void;
/** A pre-tokenizer: calls `sink` for each piece of `text`, in order. */
export type PreTokenizer = (text: string, sink: PieceSink) => void;

/** The hand-written pre-tokenizer for a pattern, if there is one. */
export function fastPreTokenizer(pattern: string | null): PreTokenizer | null {
  if (pattern === CL100K_PATTERN) return splitCl100k;
  if (pattern === O200K_PATTERN) return splitO200k;
  return null;
}

/** Length of a contraction (' + s t re ve m ll d, any case, ſ as s) starting at `i`, else 0. */
function contraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 39) return 0;
  let a = text.charCodeAt(i + 1);
  if (a === 0x17f) return 2; // ſ folds to s
  a |= 32; // ASCII lower case (other code units never equal the letters below after this)
  if (a === 115 || a === 116 || a === 109 || a === 100) return i + 1 < text.length ? 2 : 0;
  const b = text.charCodeAt(i + 2) | 32;
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return 3;
  return 0;
}

/** End of the run of code points whose flags have any of `mask`, from `i`. */
function runEnd(table: Uint8Array, text: string, i: number, mask: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0xd800) {
      if ((table[c]! & mask) === 0) return i;
      i++;
    } else {
      const packed = classAt(table, text, i);
      if (((packed >> 2) & mask) === 0) return i;
      i += packed & 3;
    }
  }
  return n;
}

/** Whitespace run at `i` (the last three alternatives). */
function spaceEnd(table: Uint8Array, text: string, i: number): number {
  const n = text.length;
  let j = i;
  let lastNewline = -1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if ((table[c]! & SPACE) === 0) break; // every White_Space character is in the BMP; surrogates are 0
    if (c === 10 || c === 13) lastNewline = j;
    j++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (j === n || j - i < 2) return j;
  return j - 1;
}

/** ' '? [^\s L N]+ then a run of `tail` characters ([\r\n] or [\r\n/]). */
function symbolEnd(table: Uint8Array, text: string, i: number, slash: boolean): number {
  let j = text.charCodeAt(i) === 32 ? i + 1 : i;
  const n = text.length;
  while (j < n) {
    const packed = classAt(table, text, j);
    if (((packed >> 2) & (LETTER | NUMBER | SPACE)) !== 0) break;
    j += packed & 3;
  }
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c !== 10 && c !== 13 && !(slash && c === 47)) break;
    j++;
  }
  return j;
}

/** True when the code point at `i` is [^\s L N] ("other"). */
function isOther(table: Uint8Array, text: string, i: number): boolean {
  return i < text.length && ((classAt(table, text, i) >> 2) & (LETTER | NUMBER | SPACE)) === 0;
}

function digitsEnd(table: Uint8Array, text: string, i: number): number {
  for (let k = 0; k < 3 && i < text.length; k++) {
    const packed = classAt(table, text, i);
    if (((packed >> 2) & NUMBER) === 0) break;
    i += packed & 3;
  }
  return i;
}

/** cl100k_base pieces. */
export function splitCl100k(text: string, sink: PieceSink): void {
  const table = classTable();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const contractionLength = contraction(text, i);
    if (contractionLength > 0) {
      sink(i, i + contractionLength);
      i += contractionLength;
      continue;
    }
    const packed = classAt(table, text, i);
    const flags = packed >> 2;
    const width = packed & 3;
    let end: number;
    if (flags & LETTER) {
      end = runEnd(table, text, i + width, LETTER);
    } else if (
      (flags & (NEWLINE | NUMBER)) === 0 &&
      i + width < n &&
      (classAt(table, text, i + width) >> 2) & LETTER
    ) {
      end = runEnd(table, text, i + width, LETTER);
    } else if (flags & NUMBER) {
      end = digitsEnd(table, text, i);
    } else if ((flags & SPACE) === 0 || (text.charCodeAt(i) === 32 && isOther(table, text, i + 1))) {
      end = symbolEnd(table, text, i, false);
    } else {
      end = spaceEnd(table, text, i);
    }
    sink(i, end);
    i = end;
  }
}

/** o200k: end of A* B+ from `s`, or -1. */
function upperLowerEnd(table: Uint8Array, text: string, s: number): number {
  const n = text.length;
  let a = s;
  let lastBoth = -1; // start of the last A-run code point that is also in B
  let lastWidth = 0;
  while (a < n) {
    const packed = classAt(table, text, a);
    const flags = packed >> 2;
    if ((flags & UPPERISH) === 0) break;
    if (flags & LOWERISH) {
      lastBoth = a;
      lastWidth = packed & 3;
    }
    a += packed & 3;
  }
  if (a < n && (classAt(table, text, a) >> 2) & LOWERISH) return runEnd(table, text, a, LOWERISH);
  return lastBoth >= 0 ? lastBoth + lastWidth : -1;
}

/** o200k_base pieces. */
export function splitO200k(text: string, sink: PieceSink): void {
  const table = classTable();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const packed = classAt(table, text, i);
    const flags = packed >> 2;
    const width = packed & 3;
    const prefix = (flags & (NEWLINE | LETTER | NUMBER)) === 0; // P = [^\r\n L N]
    const nextFlags = prefix && i + width < n ? classAt(table, text, i + width) >> 2 : 0;
    let end = -1;
    if (flags & (UPPERISH | LOWERISH) || nextFlags & (UPPERISH | LOWERISH)) {
      // alternative 1: P? A* B+, with P first, then without
      if (prefix && nextFlags & (UPPERISH | LOWERISH)) end = upperLowerEnd(table, text, i + width);
      if (end < 0 && flags & (UPPERISH | LOWERISH)) end = upperLowerEnd(table, text, i);
      // alternative 2: P? A+ B*
      if (end < 0 && prefix && nextFlags & UPPERISH) {
        end = runEnd(table, text, runEnd(table, text, i + width, UPPERISH), LOWERISH);
      }
      if (end < 0 && flags & UPPERISH) end = runEnd(table, text, runEnd(table, text, i, UPPERISH), LOWERISH);
      if (end >= 0) end += contraction(text, end);
    }
    if (end < 0) {
      if (flags & NUMBER) end = digitsEnd(table, text, i);
      else if (
        (flags & (LETTER | SPACE)) === 0 ||
        (text.charCodeAt(i) === 32 && isOther(table, text, i + 1))
      ) {
        end = symbolEnd(table, text, i, true);
      } else end = spaceEnd(table, text, i);
    }
    sink(i, end);
    i = end;
  }
}
