// GPT-2's pre-tokenizer as a hand-written scanner, for training (the regex is ~70% of training time).
// It cuts exactly where `compilePattern(R50K_PATTERN)` cuts; the test checks that on random text.
//
// The pattern, alternatives tried in order at each position (first that matches wins):
//   's|'t|'re|'ve|'m|'ll|'d      contractions (lower case)
//   ␠?\p{L}+ | ␠?\p{N}+          a letter run / a number run, with one optional leading U+0020
//   ␠?[^\s\p{L}\p{N}]+           a run of anything else, with one optional leading U+0020
//   \s+(?!\S)                    whitespace not followed by a non-space: a run keeps its last character
//   \s+                          for the next piece (" ␠word" → " ", " word"), unless the run ends the text
// (\s = Unicode White_Space, as tiktoken's Rust regex has it; \p{L}, \p{N} and \s are the pinned Unicode 16 sets
// of ../unicode, like the regex's.)

import { flagsOf, LETTER as LETTER_FLAG, NUMBER as NUMBER_FLAG, SPACE as SPACE_FLAG } from '../char-classes';

const OTHER = 1;
const LETTER = 2;
const NUMBER = 3;
const SPACE = 4;

/** class flags (../char-classes, pinned Unicode sets) → the scanner's class; letters, numbers and spaces are disjoint */
const KIND = Uint8Array.from({ length: 64 }, (_, flags) =>
  flags & LETTER_FLAG ? LETTER : flags & NUMBER_FLAG ? NUMBER : flags & SPACE_FLAG ? SPACE : OTHER,
);

function classOf(cp: number): number {
  return KIND[flagsOf(cp)]!;
}

/**
 * End (exclusive, UTF-16 index) of the GPT-2 piece that starts at `start` (< text.length).
 * @example gpt2PieceEnd("I'm  here", 1) === 3 ("'m"), then 3 → 4 (" "), 4 → 9 (" here")
 */
export function gpt2PieceEnd(text: string, start: number): number {
  const n = text.length;
  let i = start;
  const c = text.charCodeAt(i);
  if (c === 39 && i + 1 < n) {
    // 's 't 'm 'd, 're 've 'll
    const d = text.charCodeAt(i + 1);
    if (d === 115 || d === 116 || d === 109 || d === 100) return i + 2;
    if (i + 2 < n) {
      const e = text.charCodeAt(i + 2);
      if ((e === 101 && (d === 114 || d === 118)) || (d === 108 && e === 108)) return i + 3;
    }
  }
  let at = i;
  if (c === 32 && i + 1 < n && classOf(text.codePointAt(i + 1)!) !== SPACE) at = i + 1; // the optional ␠
  const cp = text.codePointAt(at)!;
  const kind = classOf(cp);
  if (kind !== SPACE) {
    // a run of one class: letters, numbers, or other
    i = at + (cp > 0xffff ? 2 : 1);
    while (i < n) {
      const next = text.codePointAt(i)!;
      if (classOf(next) !== kind) break;
      i += next > 0xffff ? 2 : 1;
    }
    return i;
  }
  // whitespace (all of it is in the BMP: one code unit per character)
  i += 1;
  while (i < n && classOf(text.charCodeAt(i)) === SPACE) i++;
  if (i < n && i - start > 1) i -= 1; // \s+(?!\S): leave the last space to the next word
  return i;
}

/** Adds every GPT-2 piece of `text` to `counts` (piece → occurrences). */
export function countGpt2Pieces(text: string, counts: Map<string, number>): void {
  for (let i = 0; i < text.length; ) {
    const end = gpt2PieceEnd(text, i);
    const piece = text.slice(i, end);
    counts.set(piece, (counts.get(piece) ?? 0) + 1);
    i = end;
  }
}
