import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, type RopeStyle, type Tensor, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

function applyRope(x: Tensor, start: number, style: RopeStyle, theta = 10000, rotaryDim?: number): Tensor {
  const out = zeros(x.shape);
  be.rope(out, x, { start, theta, style, rotaryDim });
  return out;
}

/** x [T, heads, D] with the last dimension reordered: out[..., j] = x[..., perm[j]]. */
function permuteLast(x: Tensor, perm: number[]): Tensor {
  const D = perm.length;
  const out = zeros(x.shape);
  for (let r = 0; r < x.data.length / D; r++)
    for (let j = 0; j < D; j++) out.data[r * D + j] = x.data[r * D + perm[j]];
  return out;
}

// [T, heads, D] with even D
const arbX = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 12 }))
  .chain(([T, heads, halfD]) => arbTensorOf([T, heads, 2 * halfD]));
const arbStyle = fc.constantFrom<RopeStyle>('half', 'interleaved');

describe('rope', () => {
  test('hand-computed: position 1, D = 4, theta 100 rotates pair i by 100^(−i/2) radians', () => {
    // interleaved pairs (x0, x1), (x2, x3); θ_0 = 1, θ_1 = 100^(−2/4) = 0.1
    const x = tensor(new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]), [2, 1, 4]);
    const out = applyRope(x, 0, 'interleaved', 100);
    const c1 = Math.cos(1);
    const s1 = Math.sin(1);
    const c2 = Math.cos(0.1);
    const s2 = Math.sin(0.1);
    // row 0 is position 0: unchanged; row 1 is position 1: (1, 0) → (cos 1, sin 1), (0, 1) → (−sin 0.1, cos 0.1)
    expectClose(out.data, [1, 0, 0, 1, c1, s1, -s2, c2].map(Math.fround), 1e-7, 0);
    // 'half' pairs (x0, x2), (x1, x3) of the same data
    const half = applyRope(x, 0, 'half', 100);
    expectClose(half.data.subarray(4), [c1, -s2, s1, c2].map(Math.fround), 1e-7, 0);
  });

  test('preserves the norm of every rotated pair, and position 0 is the identity', () => {
    fc.assert(
      fc.property(arbX, arbStyle, fc.integer({ min: 0, max: 500 }), (x, style, start) => {
        const out = applyRope(x, start, style);
        const D = x.shape[2];
        const half = D / 2;
        for (let r = 0; r < x.data.length / D; r++) {
          for (let i = 0; i < half; i++) {
            const [ia, ib] = style === 'half' ? [i, i + half] : [2 * i, 2 * i + 1];
            const before = Math.hypot(x.data[r * D + ia], x.data[r * D + ib]);
            const after = Math.hypot(out.data[r * D + ia], out.data[r * D + ib]);
            expect(after).toBeCloseTo(before, 5);
          }
        }
        const atZero = applyRope(x, 0, style);
        expectClose(atZero.data.subarray(0, x.shape[1] * D), x.data.subarray(0, x.shape[1] * D), 0, 0);
      }),
      { numRuns: 60 },
    );
  });

  test("'interleaved' equals 'half' after moving dimension 2i → i and 2i+1 → i + D/2", () => {
    fc.assert(
      fc.property(arbX, fc.integer({ min: 0, max: 300 }), (x, start) => {
        const D = x.shape[2];
        // toHalf[j] = interleaved index that lands at half-layout index j
        const toHalf = Array.from({ length: D }, (_, j) => (j < D / 2 ? 2 * j : 2 * (j - D / 2) + 1));
        const toInterleaved = Array.from({ length: D }, (_, j) => toHalf.indexOf(j));
        const viaHalf = permuteLast(applyRope(permuteLast(x, toHalf), start, 'half'), toInterleaved);
        expectClose(applyRope(x, start, 'interleaved').data, viaHalf.data, 0, 0);
      }),
      { numRuns: 60 },
    );
  });

  test('start offsets positions: rope(x, start = s) row t equals rope of row t at position s + t', () => {
    fc.assert(
      fc.property(arbX, arbStyle, fc.integer({ min: 0, max: 300 }), (x, style, s) => {
        const [T, heads, D] = x.shape;
        const all = applyRope(x, s, style);
        for (let t = 0; t < T; t++) {
          const row = tensor(x.data.slice(t * heads * D, (t + 1) * heads * D), [1, heads, D]);
          expect(applyRope(row, s + t, style).data).toEqual(
            all.data.subarray(t * heads * D, (t + 1) * heads * D),
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  test('relative positions: ⟨rope(q, m), rope(k, n)⟩ depends only on m − n', () => {
    fc.assert(
      fc.property(
        arbTensorOf([1, 1, 8]),
        arbTensorOf([1, 1, 8]),
        arbStyle,
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        (q, k, style, m, n, shift) => {
          const dot = (a: Tensor, b: Tensor) => a.data.reduce((acc, v, i) => acc + v * b.data[i], 0);
          const d1 = dot(applyRope(q, m, style), applyRope(k, n, style));
          const d2 = dot(applyRope(q, m + shift, style), applyRope(k, n + shift, style));
          expect(Math.abs(d1 - d2)).toBeLessThan(1e-4 * (1 + Math.abs(d1)));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('rotaryDim: only the leading dims rotate, the rest pass through; in place works', () => {
    const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [1, 1, 6]);
    const partial = applyRope(x, 3, 'half', 10000, 4);
    const full4 = applyRope(tensor(new Float32Array([1, 2, 3, 4]), [1, 1, 4]), 3, 'half');
    expect(partial.data.subarray(0, 4)).toEqual(full4.data);
    expect([...partial.data.subarray(4)]).toEqual([5, 6]);
    be.rope(x, x, { start: 3, theta: 10000, style: 'half', rotaryDim: 4 });
    expect(x.data).toEqual(partial.data);
  });

  test('rejects odd rotaryDim, a non-3-D x and bad options', () => {
    const x = zeros([1, 1, 4]);
    expect(() => be.rope(zeros([1, 1, 4]), x, { start: 0, theta: 1e4, style: 'half', rotaryDim: 3 })).toThrow(
      /rotaryDim 3/,
    );
    expect(() => be.rope(zeros([1, 3]), zeros([1, 3]), { start: 0, theta: 1e4, style: 'half' })).toThrow(
      /x must have 3 dimensions/,
    );
    expect(() => be.rope(zeros([1, 1, 4]), x, { start: -1, theta: 1e4, style: 'half' })).toThrow(/start/);
    expect(() => be.rope(zeros([1, 1, 4]), x, { start: 0, theta: 1e4, style: 'neox' as RopeStyle })).toThrow(
      /style/,
    );
  });
});
