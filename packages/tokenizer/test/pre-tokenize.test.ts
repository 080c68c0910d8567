// The hand-written cl100k/o200k pre-tokenizers must cut exactly where the (ported) regex cuts.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { CL100K_PATTERN, O200K_PATTERN } from '../src/index';
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

test('pattern translation: Rust \\s, (?i:...) with case folding, possessive quantifiers', () => {
  expect(translatePattern("(?i:'s)|\\s+")).toBe("(?:'[sSſ])|\\p{White_Space}+");
  expect(translatePattern('\\p{L}++\\s*+[^\\s\\p{N}]?+')).toBe(
    '\\p{L}+\\p{White_Space}*[^\\p{White_Space}\\p{N}]?',
  );
  const re = compilePattern('\\s+');
  expect('a\u0085b'.match(re)).toEqual(['\u0085']); // NEL is Rust whitespace
  expect('a\ufeffb'.match(re)).toBeNull(); // BOM is not
});
