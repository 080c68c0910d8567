import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend, LlmfError, tensor } from '@llmf/tensor';
import { describe, expect } from 'vitest';
import { causalMask, scaledDotProductAttention } from '../src/index';
import { randomTensor, seededRandom, toRows } from './helpers';

describe('scaledDotProductAttention: the seed dry run (3 tokens, d_k = 4)', () => {
  const Q = tensor([
    [1, 0, 1, 0],
    [0, 1, 0, 1],
    [1, 1, 0, 0],
  ]);
  const K = tensor([
    [1, 1, 0, 0],
    [0, 0, 1, 1],
    [1, 0, 1, 0],
  ]);
  const V = tensor([
    [1, 0, 1, 0],
    [0, 1, 0, 1],
    [1, 1, 0, 0],
  ]);

  test('weights ≈ [[0.27, 0.27, 0.45], [0.38, 0.38, 0.23], [0.51, 0.19, 0.31]]', () => {
    const { weights } = scaledDotProductAttention(Q, K, V);
    expect(weights.shape).toEqual([3, 3]);
    const expected = [
      [0.27, 0.27, 0.45],
      [0.38, 0.38, 0.23],
      [0.51, 0.19, 0.31],
    ];
    toRows(weights).forEach((row, i) => {
      row.forEach((w, j) => {
        expect(Math.abs(w - expected[i][j])).toBeLessThan(0.01);
      });
    });
    // exact: row 0 is softmax([0.5, 0.5, 1.0]) of the scaled scores
    const e = [Math.exp(0.5), Math.exp(0.5), Math.exp(1)];
    const sum = e[0] + e[1] + e[2];
    toRows(weights)[0].forEach((w, j) => {
      expect(w).toBeCloseTo(e[j] / sum, 6);
    });
  });

  test('output[0] ≈ [0.72, 0.72, 0.27, 0.27]', () => {
    const { output } = scaledDotProductAttention(Q, K, V);
    expect(output.shape).toEqual([3, 4]);
    const expected = [0.72, 0.72, 0.27, 0.27];
    toRows(output)[0].forEach((x, j) => {
      expect(Math.abs(x - expected[j])).toBeLessThan(0.01);
    });
  });

  test('scale defaults to 1/√d_k and can be overridden', () => {
    const a = scaledDotProductAttention(Q, K, V);
    const b = scaledDotProductAttention(Q, K, V, { scale: 0.5 });
    expect(Array.from(b.weights.data)).toEqual(Array.from(a.weights.data));
    const c = scaledDotProductAttention(Q, K, V, { scale: 1 });
    expect(c.weights.data[2]).toBeGreaterThan(a.weights.data[2]); // sharper without scaling
  });

  test('inputs are not mutated', () => {
    const before = [Q, K, V].map((t) => Array.from(t.data));
    scaledDotProductAttention(Q, K, V, { causal: true, backend: createReferenceBackend() });
    expect([Q, K, V].map((t) => Array.from(t.data))).toEqual(before);
  });
});

describe('causalMask: "The cat sat on"', () => {
  test('4×4 ✓/✗ table: 0 where j ≤ i, −∞ above the diagonal', () => {
    const mask = causalMask(4);
    expect(mask.shape).toEqual([4, 4]);
    const table = toRows(mask).map((row) =>
      row.map((x) => (x === 0 ? '✓' : x === -Infinity ? '✗' : '?')).join(' '),
    );
    expect(table).toEqual([
      '✓ ✗ ✗ ✗', // The
      '✓ ✓ ✗ ✗', // cat
      '✓ ✓ ✓ ✗', // sat
      '✓ ✓ ✓ ✓', // on
    ]);
  });

  test('bad size is a typed error', () => {
    expect(() => causalMask(-1)).toThrow(LlmfError);
    expect(() => causalMask(1.5)).toThrow(/non-negative integer/);
  });
});

describe('scaledDotProductAttention: properties', () => {
  const shapes = fc.record({
    T: fc.integer({ min: 1, max: 6 }),
    dk: fc.integer({ min: 1, max: 8 }),
    dv: fc.integer({ min: 1, max: 5 }),
    seed: fc.nat(),
  });

  test.prop([shapes], { numRuns: 100 })(
    'causal: masked positions get exactly zero weight, rows sum to 1',
    ({ T, dk, dv, seed }) => {
      const random = seededRandom(seed);
      const q = randomTensor(random, [T, dk], 3);
      const k = randomTensor(random, [T, dk], 3);
      const v = randomTensor(random, [T, dv]);
      const { weights } = scaledDotProductAttention(q, k, v, { causal: true });
      toRows(weights).forEach((row, i) => {
        row.forEach((w, j) => {
          if (j > i) expect(w).toBe(0);
          else expect(w).toBeGreaterThan(0);
        });
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
    },
  );

  test.prop([shapes, fc.integer({ min: 1, max: 6 })], { numRuns: 100 })(
    'non-causal: every weight row sums to 1 and output = weights · V',
    ({ T, dk, dv, seed }, S) => {
      const random = seededRandom(seed);
      const q = randomTensor(random, [T, dk], 2);
      const k = randomTensor(random, [S, dk], 2);
      const v = randomTensor(random, [S, dv]);
      const { output, weights } = scaledDotProductAttention(q, k, v);
      const W = toRows(weights);
      const Vr = toRows(v);
      W.forEach((row) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
      toRows(output).forEach((row, t) => {
        row.forEach((x, d) => {
          expect(x).toBeCloseTo(
            W[t].reduce((acc, w, s) => acc + w * Vr[s][d], 0),
            5,
          );
        });
      });
    },
  );
});

describe('scaledDotProductAttention: bad input', () => {
  test('mismatched d_k, mismatched rows, non-2-D input are SHAPE_MISMATCH', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[1, 2, 3]]);
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return LlmfError.isInstance(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => scaledDotProductAttention(a, b, b))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => scaledDotProductAttention(a, a, tensor([[1], [2]])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => scaledDotProductAttention(tensor([1, 2]), a, a))).toBe('SHAPE_MISMATCH');
    expect(
      codeOf(() =>
        scaledDotProductAttention(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          a,
          a,
          { causal: true },
        ),
      ),
    ).toBe('SHAPE_MISMATCH');
  });
});
