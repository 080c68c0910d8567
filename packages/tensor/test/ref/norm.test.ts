import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

describe('layerNorm', () => {
  test('hand-computed: [1, 2, 3, 4] → (x − 2.5)/√1.25, then weight and bias', () => {
    const out = zeros([1, 4]);
    be.layerNorm(out, tensor([[1, 2, 3, 4]]), tensor([1, 1, 2, 1]), tensor([0, 0, 0, 10]), 0);
    const s = Math.sqrt(1.25);
    expectClose(out.data, [-1.5 / s, -0.5 / s, (2 * 0.5) / s, 1.5 / s + 10].map(Math.fround), 1e-7, 1e-7);
  });

  test('with unit weight and no bias each row has mean ≈ 0 and variance ≈ 1', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 70 }))
      .chain(([T, C]) => arbTensorOf([T, C], 100))
      .filter((x) => {
        // rows with spread (a constant row normalises to 0, not unit variance)
        const C = x.shape[1];
        for (let t = 0; t < x.shape[0]; t++) {
          const row = x.data.subarray(t * C, t * C + C);
          if (Math.max(...row) - Math.min(...row) < 1e-2) return false;
        }
        return true;
      });
    fc.assert(
      fc.property(arb, (x) => {
        const [T, C] = x.shape;
        const out = zeros([T, C]);
        be.layerNorm(out, x, tensor(new Float32Array(C).fill(1)), undefined, 1e-12);
        for (let t = 0; t < T; t++) {
          const row = out.data.subarray(t * C, t * C + C);
          const mean = row.reduce((a, b) => a + b, 0) / C;
          const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
          expect(Math.abs(mean)).toBeLessThan(1e-5);
          expect(variance).toBeCloseTo(1, 4);
        }
      }),
      { numRuns: 80 },
    );
  });

  test('a constant row gives the bias (eps keeps it finite); works in place', () => {
    const x = tensor([[5, 5, 5]]);
    be.layerNorm(x, x, tensor([2, 2, 2]), tensor([1, 2, 3]), 1e-5);
    expect([...x.data]).toEqual([1, 2, 3]);
  });

  test('rejects a weight of the wrong size', () => {
    expect(() => be.layerNorm(zeros([2, 3]), zeros([2, 3]), zeros([4]), undefined, 1e-5)).toThrow(
      /layerNorm: weight has shape \[4\] but must be \[3\]/,
    );
  });
});

describe('rmsNorm', () => {
  test('hand-computed: [3, 4] / √(12.5)', () => {
    const out = zeros([1, 2]);
    be.rmsNorm(out, tensor([[3, 4]]), tensor([1, 2]), 0);
    expectClose(out.data, [3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5)].map(Math.fround), 1e-7, 1e-7);
  });

  test('with unit weight each row has mean square ≈ 1, and the direction is kept', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 70 }))
      .chain(([T, C]) => arbTensorOf([T, C], 100))
      .filter((x) => {
        // rows that are not (nearly) all zero: those normalise to 0, not to unit mean square
        const C = x.shape[1];
        for (let t = 0; t < x.shape[0]; t++)
          if (x.data.subarray(t * C, t * C + C).every((v) => Math.abs(v) < 1e-3)) return false;
        return true;
      });
    fc.assert(
      fc.property(arb, (x) => {
        const [T, C] = x.shape;
        const out = zeros([T, C]);
        be.rmsNorm(out, x, tensor(new Float32Array(C).fill(1)), 1e-12);
        for (let t = 0; t < T; t++) {
          const row = out.data.subarray(t * C, t * C + C);
          expect(row.reduce((a, b) => a + b * b, 0) / C).toBeCloseTo(1, 4);
          for (let i = 0; i < C; i++) expect(row[i] * x.data[t * C + i]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 80 },
    );
  });

  test('rejects a non-finite eps', () => {
    expect(() => be.rmsNorm(zeros([1, 2]), zeros([1, 2]), zeros([2]), Number.NaN)).toThrow(
      /eps must be a finite number/,
    );
  });
});
