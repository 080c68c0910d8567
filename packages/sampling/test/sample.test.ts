import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  applyRepetitionPenalty,
  createRng,
  greedy,
  LlmfError,
  logSoftmax,
  minP,
  sample,
  sampleFrom,
  softmax,
  topK,
  topP,
} from '../src/index';

/** Pearson's χ² of observed counts against probabilities. */
function chiSquare(counts: number[], probs: ArrayLike<number>, n: number): number {
  let chi = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = probs[i] * n;
    if (expected > 0) chi += (counts[i] - expected) ** 2 / expected;
    else expect(counts[i]).toBe(0);
  }
  return chi;
}

function frequencies(draw: () => number, size: number, n: number): number[] {
  const counts = new Array(size).fill(0);
  for (let i = 0; i < n; i++) counts[draw()]++;
  return counts;
}

describe('sampleFrom', () => {
  it('inverts the cumulative distribution: coin ∈ [cdf_{i-1}, cdf_i) → i', () => {
    const probs = [0.5, 0.25, 0, 0.25];
    expect(sampleFrom(probs, 0)).toBe(0);
    expect(sampleFrom(probs, 0.4999)).toBe(0);
    expect(sampleFrom(probs, 0.5)).toBe(1);
    expect(sampleFrom(probs, 0.75)).toBe(3); // never the zero-probability token 2
    expect(sampleFrom(probs, 0.9999999)).toBe(3);
    expect(sampleFrom([0, 0.3, 0, 0.1, 0], 0.99999999)).toBe(3); // rounding tail: last drawable token
  });

  it('matches the seed distribution [0.58, 0.21, 0.13, 0.08] (χ², 3 d.o.f., p = 0.001 bound 16.27)', () => {
    const probs = softmax([2, 1, 0.5, 0]);
    const rng = createRng(1234);
    const n = 20000;
    const counts = frequencies(() => sampleFrom(probs, rng.next()), 4, n);
    expect(chiSquare(counts, probs, n)).toBeLessThan(16.27);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 8 }), fc.nat()], {
    numRuns: 20,
    seed: 20261128,
  })('empirical frequencies match random distributions (χ² below the p = 0.001 bound)', (weights, seed) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const probs = weights.map((w) => w / total);
    const rng = createRng(seed);
    const n = 4000;
    const counts = frequencies(() => sampleFrom(probs, rng.next()), probs.length, n);
    // χ² critical values at p = 0.001 for 1..7 degrees of freedom
    const bound = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32][probs.length - 2];
    expect(chiSquare(counts, probs, n)).toBeLessThan(bound);
  });
});

describe('sample', () => {
  const logitsArb = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 });
  const optionsArb = fc.record(
    {
      temperature: fc.double({ min: 0, max: 3, noNaN: true }),
      topK: fc.integer({ min: 1, max: 60 }),
      topP: fc.double({ min: 0.05, max: 1, noNaN: true }),
      minP: fc.double({ min: 0, max: 1, noNaN: true }),
      repetitionPenalty: fc.double({ min: 0.5, max: 2, noNaN: true }),
    },
    { requiredKeys: [] },
  );

  test.prop([logitsArb, optionsArb, fc.nat()], { numRuns: 200 })(
    'the same seed gives the same id, and the id survives every filter',
    (logits, options, seed) => {
      const id = sample(logits, { ...options, seed });
      expect(sample(logits, { ...options, seed })).toBe(id);
      expect(Number.isInteger(id) && id >= 0 && id < logits.length).toBe(true);
      let probs = softmax(logits, options.temperature ?? 1);
      if (options.topK !== undefined) probs = topK(probs, options.topK);
      if (options.topP !== undefined) probs = topP(probs, options.topP);
      if (options.minP !== undefined) probs = minP(probs, options.minP);
      expect(probs[id]).toBeGreaterThan(0);
    },
  );

  test.prop([logitsArb, fc.nat()], { numRuns: 50 })(
    'a seeded rng gives the same id sequence twice',
    (logits, seed) => {
      const run = () => {
        const rng = createRng(seed);
        return Array.from({ length: 10 }, () => sample(logits, { rng, topK: 5 }));
      };
      expect(run()).toEqual(run());
    },
  );

  it('draws with the softmax frequencies when unfiltered (mean χ² over 20 seeds ≈ 3 d.o.f.)', () => {
    // each χ² has 3 degrees of freedom (mean 3, variance 6); the mean of 20 has sd ≈ 0.55, so < 6 is > 5 sd
    const logits = [2, 1, 0.5, 0];
    const n = 5000;
    let total = 0;
    for (let seed = 0; seed < 20; seed++) {
      const rng = createRng(seed);
      total += chiSquare(
        frequencies(() => sample(logits, { rng }), 4, n),
        softmax(logits),
        n,
      );
    }
    expect(total / 20).toBeLessThan(6);
  });

  it('temperature 0 is greedy, after the repetition penalty', () => {
    expect(sample([1, 3, 3, 2], { temperature: 0 })).toBe(1);
    expect(sample([2, 1.5], { temperature: 0 })).toBe(0);
    // penalty 2 on id 0: 2 → 1 < 1.5
    expect(sample([2, 1.5], { temperature: 0, repetitionPenalty: 2, previousIds: [0] })).toBe(1);
  });

  it('applies top-k before top-p: top-k 2 renormalises [0.4, 0.3] to [0.57, 0.43], then top-p 0.5 keeps only id 0', () => {
    const logits = Array.from(logSoftmax([Math.log(0.4), Math.log(0.3), Math.log(0.2), Math.log(0.1)]));
    // (the reverse order would keep {0, 1})
    for (let seed = 0; seed < 100; seed++) expect(sample(logits, { topK: 2, topP: 0.5, seed })).toBe(0);
  });

  it('applies top-p before min-p: top-p 0.6 keeps {0, 1} of [0.5, 0.3, 0.2], min-p 0.5 keeps both', () => {
    const logits = [0.5, 0.3, 0.2].map(Math.log);
    // (min-p first would keep {0, 1} → [0.625, 0.375], then top-p 0.6 only {0})
    const seen = new Set(
      Array.from({ length: 200 }, (_, seed) => sample(logits, { topP: 0.6, minP: 0.5, seed })),
    );
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('applies temperature before top-p: T = 0.5 sharpens the seed logits so top-p 0.8 keeps only "on"', () => {
    // softmax(T=1) = [0.58, 0.21, ...] needs two tokens for 0.8; softmax(T=0.5) = [0.83, ...] needs one
    const ids = new Set(
      Array.from({ length: 100 }, (_, seed) => sample([2, 1, 0.5, 0], { temperature: 0.5, topP: 0.8, seed })),
    );
    expect([...ids]).toEqual([0]);
  });

  it('never mutates its inputs', () => {
    const f32 = new Float32Array([2, -1, 0.5, 0]);
    const arr = [2, -1, 0.5, 0];
    const prev = [0, 1, 1];
    const probs = [0.4, 0.3, 0.2, 0.1];
    for (const logits of [f32, arr]) {
      sample(logits, {
        temperature: 0.7,
        topK: 3,
        topP: 0.9,
        minP: 0.05,
        repetitionPenalty: 1.3,
        previousIds: prev,
        seed: 1,
      });
      softmax(logits, 2);
      logSoftmax(logits, 0.5);
      greedy(logits);
      applyRepetitionPenalty(logits, prev, 1.5);
    }
    topK(probs, 2);
    topP(probs, 0.5);
    minP(probs, 0.5);
    sampleFrom(probs, 0.3);
    expect(Array.from(f32)).toEqual([2, -1, 0.5, 0]);
    expect(arr).toEqual([2, -1, 0.5, 0]);
    expect(prev).toEqual([0, 1, 1]);
    expect(probs).toEqual([0.4, 0.3, 0.2, 0.1]);
  });
});

describe('applyRepetitionPenalty', () => {
  it('divides positive logits, multiplies negative ones, once per distinct id, into a copy', () => {
    const logits = [2, -1, 0.5, 0];
    const out = applyRepetitionPenalty(logits, [0, 1, 1, 3], 2);
    expect(Array.from(out)).toEqual([1, -2, 0.5, 0]);
    expect(out).not.toBe(logits);
  });

  it('accepts any iterable of ids, including a one-shot generator', () => {
    function* ids() {
      yield 0;
      yield 2;
    }
    expect(Array.from(applyRepetitionPenalty([2, 2, 2], ids(), 2))).toEqual([1, 2, 1]);
    expect(sample([2, 1.5, 0], { temperature: 0, repetitionPenalty: 4, previousIds: ids() })).toBe(1);
  });
});

describe('validation: typed errors with the argument named, before any work', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['empty logits', () => sample([]), /logits are empty/],
    ['NaN logit', () => sample([1, Number.NaN]), /logits\[1\] is NaN/],
    ['+Infinity logit', () => softmax([1, Number.POSITIVE_INFINITY]), /\+Infinity/],
    ['all −Infinity', () => greedy([Number.NEGATIVE_INFINITY]), /every logit is −Infinity/],
    ['negative temperature', () => sample([1, 2], { temperature: -0.1 }), /temperature is -0.1/],
    ['NaN temperature', () => softmax([1, 2], Number.NaN), /temperature is NaN/],
    ['topK 0', () => sample([1, 2], { topK: 0 }), /topK is 0/],
    ['topK 1.5', () => topK([0.5, 0.5], 1.5), /topK is 1.5/],
    ['topP 0', () => sample([1, 2], { topP: 0 }), /topP is 0/],
    ['topP 1.1', () => topP([0.5, 0.5], 1.1), /topP is 1.1/],
    ['minP -0.1', () => sample([1, 2], { minP: -0.1 }), /minP is -0.1/],
    ['penalty 0', () => sample([1, 2], { repetitionPenalty: 0 }), /repetitionPenalty is 0/],
    [
      'id out of range',
      () => sample([1, 2], { repetitionPenalty: 1.2, previousIds: [2] }),
      /previousIds\[0\] is 2/,
    ],
    ['seed and rng', () => sample([1, 2], { seed: 1, rng: createRng(1) }), /either seed or rng/],
    ['bad seed', () => sample([1, 2], { seed: -3 }), /seed is -3/],
    ['negative prob', () => topK([0.5, -0.1], 1), /probs\[1\] is -0.1/],
    ['zero probs', () => sampleFrom([0, 0], 0.5), /sum to 0/],
    ['coin 1', () => sampleFrom([0.5, 0.5], 1), /coin is 1/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(LlmfError.isInstance(error)).toBe(true);
    expect((error as LlmfError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(message);
  });

  it('checks an option even when temperature 0 would not use it', () => {
    expect(() => sample([1, 2], { temperature: 0, topK: -1 })).toThrow(/topK is -1/);
  });
});
