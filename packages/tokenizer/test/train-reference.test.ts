// The fast trainer against two references:
//   1. a naive trainer (minbpe-style: every piece occurrence kept separately, all pairs recounted from
//      scratch before every merge) — merges, ids and counts must be identical;
//   2. OpenAI's tiktoken (the rank = id encoder): encoding the training corpus with the trained ranks must
//      give exactly the segmentation obtained by replaying the learned merges in order.
import { fc, test } from '@fast-check/vitest';
import { Tiktoken } from 'tiktoken';
import { describe, expect } from 'vitest';
import { trainBPE } from '../src/index';
import { compilePattern, R50K_PATTERN } from '../src/patterns';
import { type LearnedMerge, learnMerges } from '../src/train/learn-merges';
import { latin1Bytes, trainVocabulary } from '../src/train/train-vocabulary';
import { WORD_PATTERN } from '../src/train/word-pattern';

/** Pre-tokenized pieces of `text`, each as its UTF-8 bytes. */
function bytePieces(text: string): number[][] {
  const encoder = new TextEncoder();
  return [...text.matchAll(compilePattern(R50K_PATTERN))].map((m) => [...encoder.encode(m[0])]);
}

/** Replaces a b by x in `ids`, left to right, non-overlapping. */
function replacePair(ids: number[], a: number, b: number, x: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === a && ids[i + 1] === b) {
      out.push(x);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

/** The slow, obviously correct trainer: recount every pair of every piece occurrence before each merge. */
function naiveTrain(
  pieces: number[][],
  baseKeys: string[],
  maxTokens: number,
): { keys: string[]; merges: LearnedMerge[] } {
  const keys = [...baseKeys];
  const merges: LearnedMerge[] = [];
  let words = pieces.map((p) => [...p]);
  while (keys.length < maxTokens) {
    const counts = new Map<string, { a: number; b: number; count: number }>();
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) {
        const k = `${w[i]},${w[i + 1]}`;
        const entry = counts.get(k) ?? { a: w[i]!, b: w[i + 1]!, count: 0 };
        entry.count++;
        counts.set(k, entry);
      }
    }
    let best: { a: number; b: number; count: number } | undefined;
    for (const e of counts.values()) {
      if (
        best === undefined ||
        e.count > best.count ||
        (e.count === best.count && (e.a < best.a || (e.a === best.a && e.b < best.b)))
      ) {
        best = e;
      }
    }
    if (best === undefined) break;
    const key = keys[best.a]! + keys[best.b]!;
    let id = keys.indexOf(key);
    if (id < 0) {
      id = keys.length;
      keys.push(key);
    }
    merges.push({ left: best.a, right: best.b, id, count: best.count });
    words = words.map((w) => replacePair(w, best.a, best.b, id));
  }
  return { keys, merges };
}

const base256 = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));

/** Small alphabets make long merge chains, repeated pairs (a a a), shared suffixes and split characters. */
const corpusArb = fc
  .array(fc.constantFrom('a', 'b', 'ab', 'ba', 'aa', ' ', ' a', 'c', 'é', '✓', '😉', '\n', '12', "'s", '!'), {
    minLength: 1,
    maxLength: 60,
  })
  .map((parts) => parts.join(''));

describe('learnMerges equals the naive trainer', () => {
  test.prop([corpusArb, fc.integer({ min: 256, max: 320 })], { numRuns: 150 })(
    'byte level: same merges, ids, counts and tokens',
    (text, maxTokens) => {
      const pieces = bytePieces(text);
      const expected = naiveTrain(pieces, base256, maxTokens);
      const fast = trainVocabulary(text, { vocabSize: maxTokens });
      expect(fast.merges).toEqual(expected.merges);
      expect(fast.tokens).toEqual(expected.keys.map(latin1Bytes));
    },
  );

  test.prop(
    [
      fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 12 }), { maxLength: 12 }),
      fc.integer({ min: 4, max: 30 }),
    ],
    { numRuns: 150 },
  )('tiny alphabets, words given with frequencies', (pieceList, maxTokens) => {
    // Word table with duplicates merged into frequencies; the naive trainer gets every occurrence.
    const unique = new Map<string, { ids: number[]; count: number }>();
    for (const p of pieceList) {
      const e = unique.get(p.join()) ?? { ids: p, count: 0 };
      e.count++;
      unique.set(p.join(), e);
    }
    const entries = [...unique.values()];
    const starts = new Int32Array(entries.length);
    const lengths = new Int32Array(entries.length);
    const freqs = new Float64Array(entries.length);
    const symbols: number[] = [];
    entries.forEach((e, w) => {
      starts[w] = symbols.length;
      lengths[w] = e.ids.length;
      freqs[w] = e.count;
      symbols.push(...e.ids);
    });
    const baseKeys = ['p', 'q', 'r', 's'];
    const words = { symbols: Int32Array.from(symbols), starts, lengths, freqs };
    const before = words.symbols.slice();
    const fast = learnMerges(words, { baseKeys, maxTokens });
    const expected = naiveTrain(pieceList, baseKeys, maxTokens);
    expect(fast.merges).toEqual(expected.merges);
    expect(fast.keys).toEqual(expected.keys);
    expect(words.symbols).toEqual(before); // inputs are not mutated
  });
});

describe('rank-ordered merging (tiktoken) reproduces the learned merges', () => {
  const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

  test.prop([corpusArb, fc.integer({ min: 256, max: 330 })], { numRuns: 150 })(
    'tiktoken.encode(corpus) = replay of the merges on each piece',
    (text, vocabSize) => {
      const { tokens, merges } = trainVocabulary(text, { vocabSize });
      const ranks = tokens.map((t, id) => `${toBase64(t)} ${id}`).join('\n');
      const tiktoken = new Tiktoken(ranks, {}, R50K_PATTERN);
      try {
        const replayed = bytePieces(text).flatMap((piece) =>
          merges.reduce((ids, m) => replacePair(ids, m.left, m.right, m.id), piece),
        );
        expect([...tiktoken.encode(text)]).toEqual(replayed);
      } finally {
        tiktoken.free();
      }
    },
  );
});

describe('the trained Tokenizer reproduces the learned merges', () => {
  test.prop([corpusArb, fc.integer({ min: 256, max: 330 })], { numRuns: 100 })(
    'byte level: encode(corpus) = replay of the merges; decode(encode(corpus)) = corpus',
    (text, vocabSize) => {
      const { merges } = trainVocabulary(text, { vocabSize });
      const tok = trainBPE(text, { vocabSize });
      const replayed = bytePieces(text).flatMap((piece) =>
        merges.reduce((ids, m) => replacePair(ids, m.left, m.right, m.id), piece),
      );
      expect(tok.encode(text)).toEqual(replayed);
      expect(tok.decode(replayed)).toBe(text);
    },
  );

  const wordsArb = fc
    .array(fc.constantFrom('l', 'o', 'w', 'lo', 'ow', 'e', 'é', ' ', ' ', '\n', '中'), {
      minLength: 1,
      maxLength: 60,
    })
    .map((parts) => parts.join(''));

  test.prop([wordsArb, fc.integer({ min: 0, max: 40 })], { numRuns: 100 })(
    'char level: encode(corpus) = replay of the merges on the characters of each word',
    (text, extra) => {
      const first = trainVocabulary(text, { vocabSize: 10_000, granularity: 'char' });
      const base = first.tokens.length - first.merges.length;
      const vocabSize = Math.min(first.tokens.length, base + extra);
      const { tokens, merges } = trainVocabulary(text, { vocabSize, granularity: 'char' });
      const decoder = new TextDecoder();
      const idOf = new Map(tokens.map((t, id) => [decoder.decode(t), id]));
      const replayed = [...text.matchAll(compilePattern(WORD_PATTERN))].flatMap((m) =>
        merges.reduce(
          (ids, mm) => replacePair(ids, mm.left, mm.right, mm.id),
          [...m[0].replaceAll(' ', '_')].map((ch) => idOf.get(ch)!),
        ),
      );
      const tok = trainBPE(text, { vocabSize, granularity: 'char' });
      expect(tok.encode(text)).toEqual(replayed);
      expect(tok.decode(replayed)).toBe(text);
    },
  );
});
