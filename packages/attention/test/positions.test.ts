import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend, LlmfError, tensor } from '@llmf/tensor';
import { describe, expect } from 'vitest';
import { applyRope, learnedPositions, sinusoidalPositions } from '../src/index';
import { randomTensor, seededRandom } from './helpers';

const backend = createReferenceBackend();

describe('sinusoidalPositions', () => {
  test.prop([fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 24 })], { numRuns: 50 })(
    'PE(pos, 2i) = sin(pos/10000^(2i/d)), PE(pos, 2i+1) = cos(pos/10000^(2i/d))',
    (n, d) => {
      const pe = sinusoidalPositions(n, d);
      expect(pe.shape).toEqual([n, d]);
      for (let pos = 0; pos < n; pos++) {
        for (let i = 0; 2 * i < d; i++) {
          const angle = pos / 10000 ** ((2 * i) / d);
          expect(pe.data[pos * d + 2 * i]).toBeCloseTo(Math.sin(angle), 6);
          if (2 * i + 1 < d) expect(pe.data[pos * d + 2 * i + 1]).toBeCloseTo(Math.cos(angle), 6);
        }
      }
    },
  );

  test('position 0 is [0, 1, 0, 1, …]', () => {
    expect(Array.from(sinusoidalPositions(1, 6).data)).toEqual([0, 1, 0, 1, 0, 1]);
  });
});

describe('learnedPositions', () => {
  test('returns the rows [start, start + count) of the table, as a view', () => {
    const table = tensor([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const view = learnedPositions(table, 1, 2);
    expect(view.shape).toEqual([2, 2]);
    expect(Array.from(view.data)).toEqual([1, 1, 2, 2]);
    expect(view.data.buffer).toBe(table.data.buffer);
  });

  test('past the table is CONTEXT_OVERFLOW naming the limit', () => {
    const table = tensor(new Float32Array(8), [4, 2]);
    try {
      learnedPositions(table, 3, 2);
      expect.unreachable();
    } catch (e) {
      expect(LlmfError.isInstance(e) && e.code).toBe('CONTEXT_OVERFLOW');
      expect(String(e)).toMatch(/4 positions/);
    }
  });
});

/** RoPE written out independently: pairs (a, b) turn by the angle p·θ^(−2i/D). */
function ropeByFormula(
  x: Float32Array,
  T: number,
  H: number,
  D: number,
  start: number,
  theta: number,
  style: 'half' | 'interleaved',
) {
  const out = Float64Array.from(x);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < D / 2; i++) {
        const angle = (start + t) / theta ** ((2 * i) / D);
        const base = (t * H + h) * D;
        const [ia, ib] = style === 'half' ? [base + i, base + i + D / 2] : [base + 2 * i, base + 2 * i + 1];
        // complex multiplication (a + ib)·e^(i·angle)
        out[ia] = x[ia] * Math.cos(angle) - x[ib] * Math.sin(angle);
        out[ib] = x[ia] * Math.sin(angle) + x[ib] * Math.cos(angle);
      }
    }
  }
  return out;
}

describe('applyRope', () => {
  const ropeCase = fc.record({
    T: fc.integer({ min: 1, max: 5 }),
    H: fc.integer({ min: 1, max: 3 }),
    halfD: fc.integer({ min: 1, max: 4 }),
    start: fc.integer({ min: 0, max: 50 }),
    style: fc.constantFrom('half' as const, 'interleaved' as const),
    seed: fc.nat(),
  });

  test.prop([ropeCase], { numRuns: 60 })('matches the rotation formula for both pairings', (c) => {
    const D = 2 * c.halfD;
    const x = randomTensor(seededRandom(c.seed), [c.T, c.H * D]);
    const before = Array.from(x.data);
    const out = backend.alloc([c.T, c.H * D], 'compute');
    applyRope(backend, out, x, { nHead: c.H, start: c.start, theta: 10000, style: c.style });
    const expected = ropeByFormula(x.data, c.T, c.H, D, c.start, 10000, c.style);
    out.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 5);
    });
    expect(Array.from(x.data)).toEqual(before);
  });

  test('the two pairings differ (rotate-half is not interleaved)', () => {
    const x = tensor([[1, 2, 3, 4]]);
    const a = backend.alloc([1, 4], 'compute');
    const b = backend.alloc([1, 4], 'compute');
    applyRope(backend, a, x, { nHead: 1, start: 1, style: 'half' });
    applyRope(backend, b, x, { nHead: 1, start: 1, style: 'interleaved' });
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
  });

  test.prop(
    [
      ropeCase,
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }),
    ],
    { numRuns: 60 },
  )('q·k after rotation depends only on the position difference', (c, m, n, shift) => {
    const D = 2 * c.halfD;
    const random = seededRandom(c.seed);
    const q = randomTensor(random, [1, D]);
    const k = randomTensor(random, [1, D]);
    const score = (pq: number, pk: number) => {
      const rq = backend.alloc([1, D], 'compute');
      const rk = backend.alloc([1, D], 'compute');
      applyRope(backend, rq, q, { nHead: 1, start: pq, style: c.style });
      applyRope(backend, rk, k, { nHead: 1, start: pk, style: c.style });
      return rq.data.reduce((acc, x, i) => acc + x * rk.data[i], 0);
    };
    expect(score(m + shift, n + shift)).toBeCloseTo(score(m, n), 4);
  });
});
