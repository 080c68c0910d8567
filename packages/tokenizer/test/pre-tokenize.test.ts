// The hand-written cl100k/o200k pre-tokenizers must cut exactly where the (ported) regex cuts.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { CL100K_PATTERN, InvalidArgumentError, O200K_PATTERN, R50K_PATTERN } from '../src/index';
import { compilePattern, translatePattern } from '../src/patterns';
import { splitCl100k, splitO200k } from '../src/pre-tokenize';
import { contractionCases, corpus } from './oracle';

const splitters = [
  ['cl100k_base', CL100K_PATTERN, splitCl100k],
  ['o200k_base', O200K_PATTERN, splitO200k],
] as const;

const classChars = fc.constantFrom(
  ...[
    ' ',
    '  ',
    '\n',
    '\r',
    '\t',
    '\u0085',
    '\u00a0',
    '\u3000',
    '\ufeff',
    'a',
    'Z',
    'é',
    'É',
    'ǅ',
    'ʰ',
    'ا',
    '日',
  ],
  ...[
    '\u0301',
    '\u20dd',
    '𝐀',
    '𝐚',
    '𐐀',
    '1',
    '٣',
    '𝟙',
    'Ⅻ',
    '²',
    "'",
    's',
    'S',
    'll',
    'ſ',
    're',
    '/',
    '!',
    '🎉',
  ],
  ...['\ud800', '\udfff', '_', '-', '\u200d'],
  // Unicode 17 additions (unassigned in the pinned Unicode 16: symbols), a Unicode 16 letter (Garay)
  ...['\u{3319A}', '\u{11DDA}', '\u{10D4A}'],
);

describe.each(splitters)('%s pre-tokenizer', (_name, pattern, split) => {
  const regex = compilePattern(pattern);
  const pieces = (text: string) => {
    const out: string[] = [];
    split(text, (from, to) => out.push(text.slice(from, to)));
    return out;
  };

  test('equals the regex on the corpus and on every contraction casing', () => {
    expect(pieces(corpus)).toEqual(corpus.match(regex));
    for (const text of contractionCases()) expect(pieces(text), text).toEqual(text.match(regex) ?? []);
  });

  fcTest.prop([fc.array(classChars, { maxLength: 30 }).map((a) => a.join(''))], { numRuns: 1000 })(
    'equals the regex on strings mixing every character class',
    (text) => {
      expect(pieces(text)).toEqual(text.match(regex) ?? []);
    },
  );

  fcTest.prop([fc.string({ unit: 'binary', maxLength: 40 })], { numRuns: 500 })(
    'equals the regex on full-Unicode strings',
    (text) => {
      expect(pieces(text)).toEqual(text.match(regex) ?? []);
    },
  );
});

describe('compilePattern(O200K_PATTERN), with its shorter second alternative', () => {
  const compiled = compilePattern(O200K_PATTERN);
  const literal = new RegExp(translatePattern(O200K_PATTERN), 'gu');

  test('is shorter than the literal translation and cuts like it on the corpus and contractions', () => {
    expect(compiled.source.length).toBeLessThan(20 * 1024); // V8 optimizes regexes up to this length
    expect(literal.source.length).toBeGreaterThan(20 * 1024);
    expect(corpus.match(compiled)).toEqual(corpus.match(literal));
    for (const text of contractionCases()) expect(text.match(compiled), text).toEqual(text.match(literal));
  });

  fcTest.prop(
    [
      fc.oneof(
        fc.array(classChars, { maxLength: 30 }).map((a) => a.join('')),
        fc.string({ unit: 'binary', maxLength: 40 }),
      ),
    ],
    { numRuns: 1000 },
  )('cuts like the literal translation on random text', (text) => {
    expect(text.match(compiled)).toEqual(text.match(literal));
  });
});

test('pattern translation: Rust \\s, (?i:...) with case folding, possessive quantifiers', () => {
  // Unicode classes become explicit ranges of the pinned Unicode 16 sets (test/unicode.test.ts checks them all)
  const ws =
    '\\u{9}-\\u{d}\\u{20}\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200a}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}';
  expect(translatePattern("(?i:'s)|\\s+")).toBe(`(?:'[sSſ])|[${ws}]+`);
  // visible characters as themselves, one merged range list per class
  const letters = translatePattern('\\p{L}');
  expect(letters.startsWith('[A-Za-zªµºÀ-ÖØ-öø-ˁ')).toBe(true);
  const translated = translatePattern('\\p{L}++\\s*+[^\\s\\p{N}]?+');
  expect(translated.startsWith(`${letters}+[${ws}]*[^\\u{9}-\\u{d}\\u{20}0-9\\u{85}\\u{a0}²³¹¼-¾`)).toBe(
    true,
  );
  expect(translated.endsWith(']?')).toBe(true);
  expect(translated).not.toMatch(/\\[pP]/);
  const re = compilePattern('\\s+');
  expect('a\u0085b'.match(re)).toEqual(['\u0085']); // NEL is Rust whitespace
  expect('a\ufeffb'.match(re)).toBeNull(); // BOM is not
  // U+3319A (CJK Extension J) is a Unicode 17 letter: not a letter for tiktoken's Unicode 16 regex, nor for ours
  expect('\u{3319A}退'.match(compilePattern(R50K_PATTERN))).toEqual(['\u{3319A}', '退']);
  expect(() => compilePattern('\\p{L')).toThrow(InvalidArgumentError);
});
