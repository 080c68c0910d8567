// The streaming text of generate(): whole UTF-8 characters through the tokenizer's streaming decoder, and
// text held back while it could still become a stop string. Driven with real ids of the fixture tokenizer.
import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { Tokenizer } from '@llmf/tokenizer';
import { describe, expect, it } from 'vitest';
import { type GeneratedToken, TextStream } from '../src/generate';
import { gpt2 } from './llm-helpers';

const tokenizer = Tokenizer.fromHuggingFace(readFileSync(`${gpt2.dir}/tokenizer.json`, 'utf8'));

/** Feed ids like generate() does; returns what the caller receives. */
function run(
  ids: number[],
  stops: string[],
): { tokens: GeneratedToken[]; stopped: boolean; perPush: number[] } {
  const stream = new TextStream(tokenizer, stops);
  const tokens: GeneratedToken[] = [];
  const perPush: number[] = [];
  for (const id of ids) {
    const { ready, stopped } = stream.push(id);
    tokens.push(...ready);
    perPush.push(ready.length);
    if (stopped) return { tokens, stopped, perPush };
  }
  const { ready, stopped } = stream.end();
  tokens.push(...ready);
  return { tokens, stopped, perPush };
}
const textOf = (tokens: GeneratedToken[]) => tokens.map((t) => t.text).join('');

describe('TextStream', () => {
  it('holds the first byte of "é" until the second completes it', () => {
    const ids = tokenizer.encode('é'); // two byte tokens: C3, A9
    expect(ids).toHaveLength(2);
    const { tokens, perPush } = run(ids, []);
    expect(perPush).toEqual([0, 2]);
    expect(tokens).toEqual([
      { id: ids[0], text: '' },
      { id: ids[1], text: 'é' },
    ]);
  });

  it('a 4-byte emoji arrives whole after its 4th byte token', () => {
    const ids = tokenizer.encode('a😀b');
    const { tokens, perPush } = run(ids, []);
    expect(textOf(tokens)).toBe('a😀b');
    expect(tokens.map((t) => t.text)).toEqual(['a', '', '', '', '😀', 'b']);
    expect(perPush).toEqual([1, 0, 0, 0, 4, 1]);
  });

  it('an incomplete character at the end becomes U+FFFD, as tokenizer.decode gives', () => {
    const ids = tokenizer.encode('😀').slice(0, 2);
    expect(textOf(run(ids, []).tokens)).toBe(tokenizer.decode(ids));
    expect(tokenizer.decode(ids)).toBe('\uFFFD');
  });

  it('a stop string completed by the U+FFFD of an unfinished character at the end still stops', () => {
    const ids = [...tokenizer.encode('ab'), tokenizer.encode('😀')[0]];
    expect(textOf(run(ids, []).tokens)).toBe('ab\uFFFD');
    const { tokens, stopped } = run(ids, ['b\uFFFD']);
    expect(stopped).toBe(true);
    expect(textOf(tokens)).toBe('a');
  });

  it('a stop string inside a token cuts that token; tokens after it are dropped', () => {
    const ids = tokenizer.encode('hello world'); // "he" "ll" "o" " world"
    const { tokens, stopped } = run(ids, ['lo w']);
    expect(stopped).toBe(true);
    expect(textOf(tokens)).toBe('hel');
    expect(tokens.map((t) => t.id)).toEqual(ids.slice(0, 2));
  });

  it('holds text that may start a stop string, and releases it when it does not', () => {
    const ids = tokenizer.encode('hello world');
    const { tokens, perPush, stopped } = run(ids, ['low!']);
    expect(stopped).toBe(false);
    expect(textOf(tokens)).toBe('hello world');
    // "ll" ends in "l" (a prefix of "low!"), "o" makes "lo": both held until " world" rules "low!" out
    expect(perPush).toEqual([1, 0, 0, 3]);
  });

  test.prop(
    [
      fc.array(fc.constantFrom('a', 'é', '😀', ' the', 'ing', '日本', 'x y', '\n'), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.nat(),
      fc.integer({ min: 1, max: 5 }),
    ],
    { numRuns: 200 },
  )(
    'the caller gets decode(ids) up to the first stop string, ids in order, never a split character',
    (pieces, at, length) => {
      const ids = pieces.flatMap((p) => tokenizer.encode(p));
      const full = tokenizer.decode(ids);
      const chars = Array.from(full); // a stop string of whole characters (not half a surrogate pair)
      const stop = chars.slice(at % chars.length, (at % chars.length) + length).join('');
      for (const stops of [[], [stop], ['zz', stop]]) {
        const { tokens } = run(ids, stops);
        const expected = stops.length === 0 ? full : full.slice(0, full.indexOf(stop));
        expect(textOf(tokens)).toBe(expected);
        expect(tokens.map((t) => t.id)).toEqual(ids.slice(0, tokens.length));
        for (const t of tokens)
          expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(t.text)).toBe(
            false,
          );
      }
    },
  );
});
