import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { greedy, logSoftmax, softmax } from '../src/index';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
// logits of every scale, including magnitudes where a naive e^x overflows (e^89 > float32 max, e^710 > float64 max)
const logit = fc.oneof(
  fc.double({ min: -20, max: 20, noNaN: true }),
  fc.double({ min: -1e30, max: 1e30, noNaN: true }),
  fc.constantFrom(1000, -1000, 3e38, -3e38),
);
const logitsArb = fc.array(logit, { minLength: 1, maxLength: 64 });
const temperatureArb = fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 10, noNaN: true }));

describe('softmax', () => {
  test.prop([logitsArb, temperatureArb], { numRuns: 200 })(
    'sums to 1 within 1e-5, entries in [0, 1]',
    (xs, t) => {
      const probs = softmax(xs, t);
      expect(probs.length).toBe(xs.length);
      expect(Math.abs(sum(probs) - 1)).toBeLessThan(1e-5);
      for (const p of probs) expect(p >= 0 && p <= 1).toBe(true);
    },
  );

  test.prop([logitsArb, fc.double({ min: -1e6, max: 1e6, noNaN: true })], { numRuns: 100 })(
    'is unchanged by adding a constant to every logit',
    (xs, c) => {
      fc.pre(xs.every((x) => Math.abs(x) < 1e3));
      const a = softmax(xs);
      const b = softmax(xs.map((x) => x + c));
      for (let i = 0; i < xs.length; i++) expect(b[i]).toBeCloseTo(a[i], 3);
    },
  );

  test.prop([logitsArb], { numRuns: 100 })(
    'keeps the order of the logits; the argmax is the most probable',
    (xs) => {
      const probs = softmax(xs);
      for (let i = 0; i < xs.length; i++) expect(probs[i]).toBeLessThanOrEqual(probs[greedy(xs)]);
      for (let i = 1; i < xs.length; i++) {
        if (xs[i] > xs[i - 1]) expect(probs[i]).toBeGreaterThanOrEqual(probs[i - 1]);
      }
    },
  );

  it('temperature 0 is one-hot on the argmax; ties go to the lowest index', () => {
    expect(Array.from(softmax([1, 3, 3, 2], 0))).toEqual([0, 1, 0, 0]);
    expect(greedy([1, 3, 3, 2])).toBe(1);
    expect(greedy([-Infinity, -5, -5])).toBe(1);
  });

  it('gives −Infinity logits probability 0', () => {
    expect(Array.from(softmax([0, Number.NEGATIVE_INFINITY, 0]))).toEqual([0.5, 0, 0.5]);
  });

  it('works on a GPT-2 sized vocabulary without overflow', () => {
    const xs = new Float32Array(50257).map((_, i) => ((i * 7919) % 1000) / 10 - 50);
    expect(Math.abs(sum(softmax(xs)) - 1)).toBeLessThan(1e-5);
  });
});

describe('logSoftmax', () => {
  test.prop(
    [
      fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 32 }),
      temperatureArb,
    ],
    {
      numRuns: 100,
    },
  )('equals log(softmax) where softmax does not underflow', (xs, t) => {
    const logs = logSoftmax(xs, t);
    const probs = softmax(xs, t);
    for (let i = 0; i < xs.length; i++) {
      if (probs[i] > 1e-30) expect(logs[i]).toBeCloseTo(Math.log(probs[i]), 4);
    }
  });

  it('stays finite where softmax underflows to 0', () => {
    const logs = logSoftmax([0, -200]);
    expect(softmax([0, -200])[1]).toBe(0);
    expect(logs[1]).toBeCloseTo(-200, 3);
  });

  it('is 0 on the argmax and −Infinity elsewhere at temperature 0', () => {
    expect(Array.from(logSoftmax([1, 3, 3], 0))).toEqual([-Infinity, 0, -Infinity]);
  });

  it('reproduces log 0.58 for the seed example', () => {
    expect(logSoftmax([2, 1, 0.5, 0])[0]).toBeCloseTo(Math.log(0.5793), 3);
  });
});
