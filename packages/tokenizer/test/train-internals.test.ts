// The trainer's data structures against plain references: PairIndex vs a Map, PairHeap vs sorting,
// displayBytes vs TextDecoder.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compilePattern, R50K_PATTERN } from '../src/patterns';
import { displayBytes } from '../src/train/display';
import { gpt2PieceEnd } from '../src/train/gpt2-split';
import { PairHeap } from '../src/train/pair-heap';
import { PairIndex } from '../src/train/pair-index';

describe('PairIndex', () => {
  test.prop([fc.array(fc.tuple(fc.nat(70_000), fc.nat(70_000)), { maxLength: 400 })], { numRuns: 100 })(
    'assigns indices in insertion order like a Map, through growth',
    (pairs) => {
      const table = new PairIndex(1);
      const reference = new Map<string, number>();
      for (const [a, b] of pairs) {
        const key = `${a},${b}`;
        expect(table.get(a, b)).toBe(reference.get(key) ?? -1);
        if (!reference.has(key)) reference.set(key, reference.size);
        expect(table.getOrAdd(a, b)).toBe(reference.get(key));
      }
      expect(table.size).toBe(reference.size);
      for (const [key, index] of reference) {
        const [a, b] = key.split(',').map(Number);
        expect(table.get(a!, b!)).toBe(index);
      }
    },
  );
});

describe('PairHeap', () => {
  test.prop([fc.array(fc.tuple(fc.nat(20), fc.nat(50)), { maxLength: 300 })], { numRuns: 100 })(
    'pops by count (high first), then by order key (low first)',
    (entries) => {
      const keys = new Float64Array(51).map((_, i) => (i * 7919) % 51); // a permutation of 0..50
      const heap = new PairHeap(() => keys);
      for (const [count, pair] of entries) heap.push(count, pair);
      const expected = [...entries].sort((x, y) => y[0] - x[0] || keys[x[1]]! - keys[y[1]]!);
      const popped: [number, number][] = [];
      while (heap.length > 0) {
        const count = heap.topCount();
        popped.push([count, heap.pop()]);
      }
      expect(popped.map(([c, p]) => [c, keys[p]])).toEqual(expected.map(([c, p]) => [c, keys[p]]));
    },
  );
});

describe('displayBytes', () => {
  test.prop([fc.string({ unit: 'grapheme', maxLength: 30 })], { numRuns: 100 })(
    'valid UTF-8 shows as its text',
    (s) => {
      expect(displayBytes(new TextEncoder().encode(s))).toBe(s);
    },
  );

  it('escapes bytes that are not part of a well-formed character', () => {
    expect(displayBytes(new Uint8Array([0x20, 0xe2, 0x80]))).toBe(' \\xe2\\x80');
    expect(displayBytes(new Uint8Array([0xc0, 0xaf, 0x41]))).toBe('\\xc0\\xaf' + 'A'); // overlong
    expect(displayBytes(new Uint8Array([0xed, 0xa0, 0x80]))).toBe('\\xed\\xa0\\x80'); // surrogate
    expect(displayBytes(new Uint8Array([0xf0, 0x9f, 0x98, 0x89, 0xff]))).toBe('😉\\xff');
  });
});

describe('the GPT-2 pre-tokenizer scanner', () => {
  const regex = compilePattern(R50K_PATTERN);
  const scan = (text: string) => {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; ) {
      const end = gpt2PieceEnd(text, i);
      pieces.push(text.slice(i, end));
      i = end;
    }
    return pieces;
  };
  const tricky = fc
    .array(
      fc.constantFrom(
        ' ',
        '  ',
        '\n',
        '\t',
        '\r\n',
        '\u00a0',
        '\u0085',
        '\ufeff',
        '\u3000',
        "'",
        "'s",
        "'re",
        "'ll",
        "'S",
        'x',
        'ab',
        'é',
        '1',
        '½',
        '٣',
        '.',
        '!?',
        '😉',
        '𝐀',
        '中',
        '\ud800',
        '\udc00',
        '_',
        '-',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

  test.prop([fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }))], {
    numRuns: 300,
  })('cuts exactly where compilePattern(R50K_PATTERN) cuts', (text) => {
    expect(scan(text)).toEqual(text.match(regex) ?? []);
  });

  it('splits the classic example', () => {
    expect(scan("I'm  here, it's 2024!\n\nok")).toEqual([
      'I',
      "'m",
      ' ',
      ' here',
      ',',
      ' it',
      "'s",
      ' 2024',
      '!',
      '\n', // \s+(?!\S) leaves the second newline to the next piece
      '\n',
      'ok',
    ]);
  });
});
