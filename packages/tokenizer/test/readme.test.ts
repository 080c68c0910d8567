// The README's example, run as written (keep the two in sync).
import { expect, test } from 'vitest';
import { DisallowedSpecialError, getEncoding, LlmfError, Tokenizer } from '../src/index';

test('README example', async () => {
  const enc = await getEncoding('cl100k_base');
  const ids = enc.encode('Hello, world! 🎉');
  expect(ids).toEqual([9906, 11, 1917, 0, 11410, 236, 231]);
  expect(enc.decode(ids)).toBe('Hello, world! 🎉');
  expect(enc.tokenize('Hello, world!')).toEqual(['Hello', ',', ' world', '!']);
  expect(enc.count('<|endoftext|> is text here')).toBe(10);

  // special tokens: tiktoken's defaults
  expect(() => enc.encode('<|endoftext|>')).toThrow(DisallowedSpecialError);
  expect(enc.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([100257]);

  // streaming: the emoji's bytes span tokens; it comes out whole, never half
  const decoder = enc.createDecoder();
  const chunks = ids.map((id) => decoder.write(id));
  expect(chunks).toEqual(['Hello', ',', ' world', '!', ' ', '', '🎉']);
  expect(decoder.end()).toBe('');

  // errors are typed
  try {
    enc.decode([123456789]);
  } catch (error) {
    expect(LlmfError.isInstance(error) && error.code).toBe('UNKNOWN_TOKEN');
  }

  // the seed's BPE example, with a vocabulary given directly
  const tokens = ['l', 'o', 'w', 'e', 'r', 's', 't', 'y', '_', 'lo', 'low', 'lowe'];
  const seed = Tokenizer.fromVocab({
    tokens: tokens.map((t) => new TextEncoder().encode(t)),
    pattern: null,
    granularity: 'char',
  });
  expect(seed.encode('lowest')).toEqual([11, 5, 6]);
});
