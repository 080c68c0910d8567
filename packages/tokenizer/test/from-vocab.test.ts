import { describe, expect, test } from 'vitest';
import { Tokenizer, UnknownTokenError } from '../src/index';

const utf8 = (s: string) => new TextEncoder().encode(s);
// The seed's vocabulary: ID 0..11 = "l" "o" "w" "e" "r" "s" "t" "y" "_" "lo" "low" "lowe"
const seedTokens = ['l', 'o', 'w', 'e', 'r', 's', 't', 'y', '_', 'lo', 'low', 'lowe'].map(utf8);

describe('fromVocab (the trainer contract)', () => {
  const tok = Tokenizer.fromVocab({
    tokens: seedTokens,
    pattern: null,
    granularity: 'char',
    spaceMarker: '_',
  });

  test("reproduces the seed's worked example", () => {
    expect(tok.encode('lowest')).toEqual([11, 5, 6]);
    expect(tok.encode('lowly')).toEqual([10, 0, 7]);
    expect(tok.encode('low')).toEqual([10]);
    expect(tok.tokenize('lowest')).toEqual(['lowe', 's', 't']);
  });

  test('space marker: encoded as the marker, decoded as a space, shown as the marker', () => {
    expect(tok.encode('low low')).toEqual([10, 8, 10]);
    expect(tok.decode([10, 8, 10])).toBe('low low');
    expect(tok.tokenize('low low')).toEqual(['low', '_', 'low']);
  });

  test('char granularity: a character outside the vocabulary is a typed UNKNOWN_TOKEN error', () => {
    expect(() => tok.encode('lowz')).toThrow(UnknownTokenError);
    try {
      tok.encode('lowz');
    } catch (error) {
      expect((error as UnknownTokenError).code).toBe('UNKNOWN_TOKEN');
    }
    expect(tok.count('lowz')).toBe(2); // count never throws: 'low' + one unknown character
  });

  test('char granularity merges whole characters, byte granularity merges bytes', () => {
    const chars = Tokenizer.fromVocab({
      tokens: ['é', 'a', 'éa'].map(utf8),
      pattern: null,
      granularity: 'char',
    });
    expect(chars.encode('aéaé')).toEqual([1, 2, 0]);
    const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const byteTok = Tokenizer.fromVocab({
      tokens: [...bytes, utf8('ab'), utf8('abc')],
      pattern: "'s|\\p{L}+|\\s+",
    });
    expect(byteTok.encode('abc ab')).toEqual([257, 32, 256]);
    expect(byteTok.encode('é')).toEqual([0xc3, 0xa9]);
    expect(byteTok.decode(byteTok.encode('héllo abc'))).toBe('héllo abc');
  });

  test('special tokens after the ordinary ids', () => {
    const special = Tokenizer.fromVocab({
      tokens: seedTokens,
      pattern: null,
      granularity: 'char',
      specialTokens: { '<|end|>': 12 },
    });
    expect(special.vocabSize).toBe(13);
    expect(special.encode('low<|end|>', { allowedSpecial: 'all' })).toEqual([10, 12]);
    expect(special.decode([10, 12])).toBe('low<|end|>');
  });
});

test('tokens and special tokens named like Object.prototype members survive tokenizer.json', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const merged = ['__', 'pr', 'pro', 'prot', 'proto', '__proto', '__proto__'].map(utf8);
  const tok = Tokenizer.fromVocab({
    tokens: [...bytes, ...merged],
    pattern: null,
    specialTokens: { constructor: 263 },
  });
  expect(tok.encode('__proto__')).toEqual([262]);
  const loaded = Tokenizer.fromHuggingFace(JSON.stringify(tok.toHuggingFace()));
  expect(loaded.vocabSize).toBe(264);
  expect(loaded.encode('__proto__ constructor', { allowedSpecial: 'all' })).toEqual(
    tok.encode('__proto__ constructor', { allowedSpecial: 'all' }),
  );
  expect(loaded.encode('constructor', { allowedSpecial: 'all' })).toEqual([263]);
});
