import { fc, test as fcTest } from '@fast-check/vitest';
import { expect, test } from 'vitest';
import { getEncoding, UnknownTokenError } from '../src/index';

test('an emoji split over several tokens comes out whole, never as half a character', async () => {
  const enc = await getEncoding('cl100k_base');
  const ids = enc.encode('ok 🎉👨‍👩‍👧 done');
  expect(ids.length).toBeGreaterThan(5);
  const decoder = enc.createDecoder();
  const chunks = ids.map((id) => decoder.write(id));
  expect(chunks.join('') + decoder.end()).toBe('ok 🎉👨‍👩‍👧 done');
  for (const chunk of chunks) expect(chunk).not.toContain('\ufffd');
  expect(chunks).toContain(''); // some tokens end inside a character: nothing emitted yet
});

test('end() flushes an incomplete character as U+FFFD', async () => {
  const enc = await getEncoding('r50k_base');
  const ids = enc.encode('🎉'); // [8582, 236, 231]: 4 bytes in 3 tokens
  const decoder = enc.createDecoder();
  expect(decoder.write(ids[0]!)).toBe('');
  expect(decoder.end()).toBe('\ufffd');
  expect(decoder.write(ids[0]!) + decoder.write(ids[1]!) + decoder.write(ids[2]!)).toBe('🎉'); // usable again
});

fcTest.prop([fc.string({ unit: 'grapheme', maxLength: 60 })], { numRuns: 100 })(
  'streaming decode equals decode for every well-formed string',
  async (text) => {
    const enc = await getEncoding('o200k_base');
    const decoder = enc.createDecoder();
    const ids = enc.encode(text);
    expect(ids.map((id) => decoder.write(id)).join('') + decoder.end()).toBe(enc.decode(ids));
    expect(enc.decode(ids)).toBe(text);
  },
);

test('unknown ids are a typed UNKNOWN_TOKEN error (decode, decodeBytes, stream)', async () => {
  const enc = await getEncoding('cl100k_base');
  for (const id of [100261, 1e9, -1, 1.5, Number.NaN]) {
    expect(() => enc.decode([id])).toThrow(UnknownTokenError);
    expect(() => enc.createDecoder().write(id)).toThrow(UnknownTokenError);
  }
  expect(() => enc.decodeBytes([5, 200000])).toThrow(/not in the vocabulary/);
});

test('decode accepts any iterable of ids, and decodeBytes gives the raw bytes', async () => {
  const enc = await getEncoding('cl100k_base');
  const ids = enc.encode('héllo');
  expect(enc.decode(new Set(ids))).toBe('héllo');
  expect(enc.decode(Uint32Array.from(ids))).toBe('héllo');
  expect(enc.decodeBytes(ids)).toEqual(new TextEncoder().encode('héllo'));
  expect(enc.decode([])).toBe('');
});
