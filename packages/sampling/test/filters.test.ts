import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { minP, topK, topP } from '../src/index';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
const nonzeros = (xs: ArrayLike<number>) => Array.from(xs).filter((x) => x > 0).length;
const normalise = (ws: number[]) => {
  const s = ws.reduce((a, b) => a + b, 0);
  return ws.map((w) => w / s);
};
// probability vectors with a positive sum; small integer weights make ties common (weights stay above 1e-6 so
// that no kept probability underflows float32)
const probsArb = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 1e-6, max: 1, noNaN: true })), {
    minLength: 1,
    maxLength: 40,
  })
  .filter((ws) => sum(ws) > 0)
  .map(normalise);

// long vectors with many ties, so top-p's search has to widen past its first 64 candidates
const longProbsArb = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 100, maxLength: 700 })
  .filter((ws) => sum(ws) > 0)
  .map(normalise);

/** The kept entries are the original ones scaled by one common factor (renormalised), summing to 1. */
function expectRenormalised(original: number[], out: Float32Array) {
  const keptOriginal = original.filter((_, i) => out[i] > 0).reduce((a, b) => a + b, 0);
  expect(Math.abs(sum(out) - 1)).toBeLessThan(1e-5);
  out.forEach((q, i) => {
    if (q > 0) expect(q).toBeCloseTo(original[i] / keptOriginal, 5);
  });
}

describe('topK', () => {
  test.prop([fc.oneof(probsArb, longProbsArb), fc.integer({ min: 1, max: 300 })], { numRuns: 200 })(
    'keeps exactly min(k, nonzeros) entries: every kept one ≥ every dropped one, ties to the lowest index',
    (probs, k) => {
      const out = topK(probs, k);
      expect(nonzeros(out)).toBe(Math.min(k, nonzeros(probs)));
      expectRenormalised(probs, out);
      const kept = probs.map((_, i) => i).filter((i) => out[i] > 0);
      const dropped = probs.map((_, i) => i).filter((i) => out[i] === 0 && probs[i] > 0);
      for (const i of kept) {
        for (const j of dropped) {
          expect(probs[i]).toBeGreaterThanOrEqual(probs[j]);
          if (probs[i] === probs[j]) expect(i).toBeLessThan(j);
        }
      }
    },
  );

  it('breaks ties at the k-th value by lowest index', () => {
    expect(Array.from(topK([0.1, 0.3, 0.3, 0.3], 2))).toEqual([0, 0.5, 0.5, 0]);
    expect(Array.from(topK([0.25, 0.25, 0.25, 0.25], 1))).toEqual([1, 0, 0, 0]);
  });

  it('keeps everything when k ≥ V', () => {
    expect(Array.from(topK([0.5, 0.25, 0.25], 10))).toEqual([0.5, 0.25, 0.25]);
  });
});

describe('topP', () => {
  test.prop([fc.oneof(probsArb, longProbsArb), fc.double({ min: 0.01, max: 1, noNaN: true })], {
    numRuns: 200,
  })(
    'keeps the smallest most-probable set reaching p (dropping its least probable member falls below p)',
    (probs, p) => {
      const out = topP(probs, p);
      expectRenormalised(probs, out);
      const kept = probs.map((_, i) => i).filter((i) => out[i] > 0);
      const mass = kept.reduce((a, i) => a + probs[i], 0);
      const smallest = Math.min(...kept.map((i) => probs[i]));
      // reaches p (with float slack) ...
      expect(mass).toBeGreaterThanOrEqual(p - 1e-9);
      // ... and is minimal: without its least probable member it would not (unless float noise at p = mass)
      if (p < 1) expect(mass - smallest).toBeLessThan(p + 1e-9);
      // it is a prefix of the sorted order: no dropped token is more probable than a kept one
      // ... and ties at the cut are taken in index order
      const lastTied = Math.max(...kept.filter((i) => probs[i] === smallest));
      for (let j = 0; j < probs.length; j++) {
        if (out[j] === 0) expect(probs[j]).toBeLessThanOrEqual(smallest);
        if (out[j] === 0 && probs[j] === smallest) expect(j).toBeGreaterThan(lastTied);
      }
    },
  );

  it('keeps the token that crosses p, and resolves ties by lowest index', () => {
    expect(Array.from(topP([0.5, 0.3, 0.2], 0.5))).toEqual([1, 0, 0]);
    expect(Array.from(topP([0.5, 0.3, 0.2], 0.51))).toEqual([0.5 / 0.8, 0.3 / 0.8, 0].map(Math.fround));
    expect(Array.from(topP([0.25, 0.25, 0.25, 0.25], 0.4))).toEqual([0.5, 0.5, 0, 0]);
  });

  it('keeps every token for p = 1', () => {
    expect(nonzeros(topP([0.7, 0.2, 0.1], 1))).toBe(3);
  });

  it('finds the nucleus in a large flat-tailed vocabulary (the candidate cut-off never drops a member)', () => {
    // one likely token and 50 000 equally unlikely ones: the nucleus for p = 0.9 spans many tail tokens
    const probs = normalise([50000, ...new Array(50000).fill(1)]);
    const out = topP(probs, 0.9);
    const expectedTail = Math.ceil((0.9 - probs[0]) / probs[1] - 1e-9);
    expect(nonzeros(out)).toBe(1 + expectedTail);
  });
});

describe('minP', () => {
  test.prop([probsArb, fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 200 })(
    'keeps exactly the tokens with probability ≥ p · max',
    (probs, p) => {
      const out = minP(probs, p);
      expectRenormalised(probs, out);
      const max = Math.max(...probs);
      probs.forEach((q, i) => {
        expect(out[i] > 0).toBe(q > 0 && q >= p * max);
      });
    },
  );

  it('keeps {on, the} of the seed distribution for p = 0.3', () => {
    expect(nonzeros(minP([0.58, 0.21, 0.13, 0.08], 0.3))).toBe(2);
  });
});
