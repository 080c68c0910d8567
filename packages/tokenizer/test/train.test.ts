// trainBPE through the public API: the seed's worked example, special tokens, errors, round trips.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LlmfError, type Merge, Tokenizer, trainBPE } from '../src/index';

const SEED_CORPUS = 'low lower lowest lowly';

describe('the seed example (§1 Tokenization)', () => {
  const merges: Merge[] = [];
  const tok = trainBPE(SEED_CORPUS, { vocabSize: 12, granularity: 'char', onMerge: (m) => merges.push(m) });

  it('learns (l,o), (lo,w), (low,e) with counts 4, 4, 2', () => {
    expect(merges).toEqual([
      { step: 1, pair: ['l', 'o'], token: 'lo', count: 4 },
      { step: 2, pair: ['lo', 'w'], token: 'low', count: 4 },
      { step: 3, pair: ['low', 'e'], token: 'lowe', count: 2 },
    ]);
  });

  it('builds the ID table l=0 o=1 w=2 e=3 r=4 s=5 t=6 y=7 _=8 lo=9 low=10 lowe=11', () => {
    expect(tok.vocabSize).toBe(12);
    const table = ['l', 'o', 'w', 'e', 'r', 's', 't', 'y', '_', 'lo', 'low', 'lowe'];
    table.forEach((token, id) => {
      expect(tok.tokenize(token === '_' ? ' ' : token)).toEqual([token]);
      expect(tok.encode(token === '_' ? ' ' : token)).toEqual([id]);
    });
  });

  it('encodes "lowest", "lowly", "low" as in the seed', () => {
    expect(tok.encode('lowest')).toEqual([11, 5, 6]);
    expect(tok.tokenize('lowest')).toEqual(['lowe', 's', 't']);
    expect(tok.encode('lowly')).toEqual([10, 0, 7]);
    expect(tok.tokenize('lowly')).toEqual(['low', 'l', 'y']);
    expect(tok.encode('low')).toEqual([10]);
  });

  it('encodes the corpus word by word, spaces as _, and decodes it back', () => {
    const ids = tok.encode(SEED_CORPUS);
    expect(ids).toEqual([10, 8, 11, 4, 8, 11, 5, 6, 8, 10, 0, 7]);
    expect(tok.decode(ids)).toBe(SEED_CORPUS);
  });
});

describe('trainBPE byte level', () => {
  const corpus = [
    'The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.',
    "It's 2024 — naïve café owners don't close at 10:30!\n\tTabs, emoji 😉 and 中文 too.",
  ];

  it('starts from the 256 bytes in byte order, then the merges', () => {
    const tok = trainBPE(corpus, { vocabSize: 300 });
    expect(tok.vocabSize).toBe(300);
    for (const b of [0x41, 0x61, 0x20, 0x0a]) expect(tok.encode(String.fromCharCode(b))).toEqual([b]);
    expect(tok.decodeBytes([0xe2, 0x80, 0x94])).toEqual(new Uint8Array([0xe2, 0x80, 0x94]));
    expect(tok.encode(' the').length).toBe(1);
    expect(tok.encode(' the')[0]).toBeGreaterThanOrEqual(256);
  });

  it('is deterministic: the same corpus gives the same merges and ids', () => {
    const run = () => {
      const merges: Merge[] = [];
      const tok = trainBPE(corpus, { vocabSize: 320, onMerge: (m) => merges.push(m) });
      return { merges, ids: tok.encode(corpus.join('\n')) };
    };
    expect(run()).toEqual(run());
  });

  it('reports each merge once, steps 1..n, with the displayed strings and the pair count', () => {
    const merges: Merge[] = [];
    trainBPE('aaaa aaaa abab', { vocabSize: 260, onMerge: (m) => merges.push(m) });
    expect(merges.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    for (const m of merges) expect(m.token).toBe(m.pair[0] + m.pair[1]);
    // pieces "aaaa", " aaaa", " abab": (a,a) occurs at 3 + 3 positions, the most frequent pair
    expect(merges[0]).toEqual({ step: 1, pair: ['a', 'a'], token: 'aa', count: 6 });
    // then (aa,aa) and (a,b) both occur twice: the tie goes to the smaller first id, a = 97 < aa = 256
    expect(merges[1]).toEqual({ step: 2, pair: ['a', 'b'], token: 'ab', count: 2 });
    expect(merges[2]).toEqual({ step: 3, pair: ['aa', 'aa'], token: 'aaaa', count: 2 });
  });

  it('shows a token that ends inside a character with \\x escapes', () => {
    const merges: Merge[] = [];
    trainBPE('✓✓✓', { vocabSize: 258, onMerge: (m) => merges.push(m) });
    // ✓ = e2 9c 93; (9c,93) and (e2,9c) both occur 3 times; the smaller first byte wins the tie
    expect(merges).toEqual([
      { step: 1, pair: ['\\x9c', '\\x93'], token: '\\x9c\\x93', count: 3 },
      { step: 2, pair: ['\\xe2', '\\x9c\\x93'], token: '✓', count: 3 },
    ]);
  });

  it('takes any iterable of strings (a one-shot generator too); pieces never span two items', () => {
    function* lines() {
      yield 'ab';
      yield 'ab';
    }
    const fromGenerator = trainBPE(lines(), { vocabSize: 258 });
    expect(fromGenerator.encode('ab')).toEqual([256]);
    // 'ab' + 'ab' as one text would be one piece "abab" with the pair (b, a); as two items it has none
    const merges: Merge[] = [];
    trainBPE(lines(), { vocabSize: 300, onMerge: (m) => merges.push(m) });
    expect(merges).toEqual([{ step: 1, pair: ['a', 'b'], token: 'ab', count: 2 }]);
  });

  it('gives just the 256 bytes (+ special tokens) for an empty corpus', () => {
    expect(trainBPE('', { vocabSize: 300 }).vocabSize).toBe(256);
    expect(
      trainBPE([], { vocabSize: 300, specialTokens: ['<s>'] }).encode('<s>', { allowedSpecial: 'all' }),
    ).toEqual([256]);
  });

  it('stops early when no pair is left', () => {
    const tok = trainBPE('ab', { vocabSize: 1000 });
    expect(tok.vocabSize).toBe(257);
    expect(tok.encode('ab')).toEqual([256]);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 })], {
    numRuns: 60,
  })('decode(encode(s)) = s for a tokenizer trained on other text', (corpus, s) => {
    const tok = trainBPE([corpus, 'the theme of the thesis'], { vocabSize: 300 });
    const wellFormed = new TextDecoder().decode(new TextEncoder().encode(s)); // lone surrogates → U+FFFD
    expect(tok.decode(tok.encode(wellFormed))).toBe(wellFormed);
    expect(tok.decode(tok.encode(corpus))).toBe(corpus);
  });
});

describe('special tokens', () => {
  const corpus = 'hello world<|endoftext|>hello there<|endoftext|>';

  it('get the ids after the merged tokens, in the order given, and count in vocabSize', () => {
    const tok = trainBPE(corpus, { vocabSize: 270, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(tok.vocabSize).toBe(270);
    expect(tok.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([268]);
    expect(tok.encode('<|pad|>hi', { allowedSpecial: ['<|pad|>'] })[0]).toBe(269);
    expect(tok.decode([268, 269])).toBe('<|endoftext|><|pad|>');
  });

  it('may be named like Object.prototype members ("__proto__")', () => {
    const tok = trainBPE(corpus, { vocabSize: 270, specialTokens: ['__proto__', 'constructor'] });
    expect(tok.specialTokens).toEqual(JSON.parse('{"__proto__":268,"constructor":269}'));
    expect(tok.encode('__proto__constructor', { allowedSpecial: 'all' })).toEqual([268, 269]);
  });

  it('are never learned from: the corpus is split on them before counting', () => {
    const merges: Merge[] = [];
    trainBPE(corpus, { vocabSize: 400, specialTokens: ['<|endoftext|>'], onMerge: (m) => merges.push(m) });
    for (const m of merges) expect(m.token).not.toContain('|>');
  });

  it('are disallowed by default when found in text, and ordinary text when not disallowed', () => {
    const tok = trainBPE(corpus, { vocabSize: 270, specialTokens: ['<|endoftext|>'] });
    expect(() => tok.encode('a<|endoftext|>')).toThrow(LlmfError);
    expect(tok.encode('a<|endoftext|>', { disallowedSpecial: [] })).not.toContain(269);
  });

  it('work at char level too (after the characters and merges)', () => {
    const tok = trainBPE(SEED_CORPUS, { vocabSize: 13, granularity: 'char', specialTokens: ['<eos>'] });
    expect(tok.encode('lowest<eos>', { allowedSpecial: 'all' })).toEqual([11, 5, 6, 12]);
  });
});

describe('argument errors are typed LlmfErrors that say what to do', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      expect(LlmfError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/trainBPE/);
      return (error as LlmfError).code;
    }
    throw new Error('expected an error');
  };

  it('rejects a vocabSize smaller than the base vocabulary', () => {
    expect(code(() => trainBPE('abc', { vocabSize: 255 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainBPE('abc', { vocabSize: 257, specialTokens: ['<a>', '<b>'] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(() => trainBPE(SEED_CORPUS, { vocabSize: 8, granularity: 'char' })).toThrow(/vocabSize ≥ 9/);
    expect(trainBPE(SEED_CORPUS, { vocabSize: 9, granularity: 'char' }).vocabSize).toBe(9);
  });

  it('rejects a non-integer or non-number vocabSize', () => {
    for (const vocabSize of [Number.NaN, 300.5, -1, '300', undefined]) {
      expect(code(() => trainBPE('abc', { vocabSize } as never))).toBe('INVALID_ARGUMENT');
    }
  });

  it('rejects a corpus that is not text', () => {
    for (const corpus of [42, null, undefined, { text: 'a' }, ['ok', 7]]) {
      expect(code(() => trainBPE(corpus as never, { vocabSize: 300 }))).toBe('INVALID_ARGUMENT');
    }
  });

  it('rejects bad options', () => {
    expect(code(() => trainBPE('a', null as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainBPE('a', { vocabSize: 300, granularity: 'word' } as never))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => trainBPE('a', { vocabSize: 300, specialTokens: ['x', 'x'] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainBPE('a', { vocabSize: 300, specialTokens: [''] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainBPE('a', { vocabSize: 300, specialTokens: 'x' } as never))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => trainBPE('a', { vocabSize: 300, onMerge: 1 } as never))).toBe('INVALID_ARGUMENT');
  });

  it('rejects "_" in a char-level corpus (it marks spaces there)', () => {
    expect(code(() => trainBPE('snake_case', { vocabSize: 20, granularity: 'char' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('does not modify the caller’s inputs', () => {
    const corpus = ['abab', 'baba'];
    const specialTokens = ['<s>'];
    trainBPE(corpus, { vocabSize: 270, specialTokens });
    expect(corpus).toEqual(['abab', 'baba']);
    expect(specialTokens).toEqual(['<s>']);
  });
});

describe('saving and loading a trained tokenizer', () => {
  const corpus =
    'Byte pair encoding merges frequent pairs. Frequent pairs become tokens; tokens become ids. 😉 ü';
  const probe = 'Pairs of frequent bytes become tokens 😉 — ü!';

  it('round-trips through .tiktoken (byte level)', () => {
    const tok = trainBPE(corpus, { vocabSize: 320, specialTokens: ['<|endoftext|>'] });
    const loaded = Tokenizer.fromTiktoken(tok.toTiktoken(), {
      pattern: tok.pattern!,
      specialTokens: tok.specialTokens,
    });
    expect(loaded.encode(probe)).toEqual(tok.encode(probe));
    const eot = tok.encode('<|endoftext|>', { allowedSpecial: 'all' });
    expect(eot).toEqual([tok.vocabSize - 1]);
    expect(loaded.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual(eot);
    expect(loaded.vocabSize).toBe(tok.vocabSize);
  });

  it('round-trips through tokenizer.json (byte level and char level)', () => {
    const byte = trainBPE(corpus, { vocabSize: 320, specialTokens: ['<|endoftext|>'] });
    const byteLoaded = Tokenizer.fromHuggingFace(JSON.stringify(byte.toHuggingFace()));
    expect(byteLoaded.encode(probe)).toEqual(byte.encode(probe));
    expect(byteLoaded.decode(byte.encode(probe))).toBe(probe);

    const char = trainBPE(SEED_CORPUS, { vocabSize: 12, granularity: 'char' });
    const charLoaded = Tokenizer.fromHuggingFace(char.toHuggingFace());
    for (const word of ['lowest', 'lowly', 'low', SEED_CORPUS]) {
      expect(charLoaded.encode(word)).toEqual(char.encode(word));
    }
    expect(charLoaded.decode(char.encode(SEED_CORPUS))).toBe(SEED_CORPUS);
  });
});
