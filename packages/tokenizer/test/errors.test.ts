import { expect, test } from 'vitest';
import { getEncoding, LlmfError, Tokenizer } from '../src/index';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(LlmfError.isInstance(error)).toBe(true);
    return (error as LlmfError).code;
  }
  return undefined;
}

test('bad input gives typed errors with a code', async () => {
  const enc = await getEncoding('r50k_base');
  expect(codeOf(() => enc.encode(42 as never))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.encode(null as never))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.count(undefined as never))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.decode(7 as never))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.encode('x', { allowedSpecial: ['<|nope|>'] }))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.encode('x', { allowedSpecial: 'some' as never }))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => enc.encode('<|endoftext|>'))).toBe('DISALLOWED_SPECIAL');
  expect(codeOf(() => enc.decode([999999]))).toBe('UNKNOWN_TOKEN');
});

test('count never throws on a string, whatever it holds', async () => {
  const enc = await getEncoding('cl100k_base');
  expect(enc.count('<|endoftext|> and <|fim_prefix|>')).toBe(
    enc.encode('<|endoftext|> and <|fim_prefix|>', { disallowedSpecial: [] }).length,
  );
  expect(enc.count('\ud800 lone')).toBe(enc.encode('\ufffd lone').length);
  expect(enc.count('')).toBe(0);
  expect(enc.tokenize('<|endoftext|>x').length).toBe(enc.count('<|endoftext|>x'));
});

test('invalid .tiktoken files', () => {
  const pattern = '\\p{L}+';
  expect(codeOf(() => Tokenizer.fromTiktoken('', { pattern }))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromTiktoken('YQ== zero\n', { pattern }))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromTiktoken('not*base64 1\n', { pattern }))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromTiktoken('YQ== 0\nYQ== 1\n', { pattern }))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromTiktoken(42 as never, { pattern }))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromTiktoken('YQ== 0\n', {} as never))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => Tokenizer.fromTiktoken('YQ== 0\n', { pattern: '(' }))).toBe('INVALID_ARGUMENT');
  expect(codeOf(() => Tokenizer.fromTiktoken('YQ== 0\n', { pattern, specialTokens: { x: 0 } }))).toBe(
    'INVALID_ARGUMENT',
  );
  // a vocabulary without the byte for 'b': a typed error, not a crash
  const a = Tokenizer.fromTiktoken(new TextEncoder().encode('YQ== 0\n'), { pattern });
  expect(a.encode('aa')).toEqual([0, 0]);
  expect(codeOf(() => a.encode('ab'))).toBe('UNKNOWN_TOKEN');
});

test('malformed tokenizer.json', () => {
  expect(codeOf(() => Tokenizer.fromHuggingFace('{'))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromHuggingFace('[]'))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromHuggingFace({}))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromHuggingFace({ model: { type: 'BPE', vocab: {} } }))).toBe(
    'TOKENIZER_FORMAT',
  );
  expect(codeOf(() => Tokenizer.fromHuggingFace({ model: { type: 'WordPiece', vocab: {} } }))).toBe(
    'UNSUPPORTED',
  );
  expect(
    codeOf(() => Tokenizer.fromHuggingFace({ model: { type: 'BPE', vocab: { a: 0 }, merges: ['a b'] } })),
  ).toBe('TOKENIZER_FORMAT');
  expect(
    codeOf(() =>
      Tokenizer.fromHuggingFace({
        model: { type: 'BPE', vocab: { a: 0 }, merges: [] },
        pre_tokenizer: { type: 'Bert' },
      }),
    ),
  ).toBe('UNSUPPORTED');
  expect(codeOf(() => Tokenizer.fromVocabAndMerges('{', ''))).toBe('TOKENIZER_FORMAT');
  expect(codeOf(() => Tokenizer.fromVocab({ tokens: [new Uint8Array(0)], pattern: null }))).toBe(
    'TOKENIZER_FORMAT',
  );
  expect(codeOf(() => Tokenizer.fromVocab({ tokens: [], pattern: 5 as never }))).toBe('INVALID_ARGUMENT');
});

test('encode never mutates its inputs and a failed call leaves the tokenizer usable', async () => {
  const enc = await getEncoding('cl100k_base');
  const allowed = ['<|endoftext|>'];
  const before = enc.encode('a<|endoftext|>', { allowedSpecial: allowed });
  expect(allowed).toEqual(['<|endoftext|>']);
  expect(() => enc.encode('<|fim_prefix|>', { allowedSpecial: allowed })).toThrow();
  expect(enc.encode('a<|endoftext|>', { allowedSpecial: allowed })).toEqual(before);
});
