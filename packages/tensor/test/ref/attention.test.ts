import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, type Tensor, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

function run(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  causal: boolean,
  past?: number,
  scale = 1 / Math.sqrt(q.shape[2]),
) {
  const [T, H, D] = q.shape;
  const out = zeros([T, H, D]);
  const weights = zeros([H, T, k.shape[0]]);
  be.attention(out, q, k, v, { scale, causal, past, weights });
  return { out, weights };
}

// q [T, H, D], k and v [S, Hkv, D] with S ≥ T, H a multiple of Hkv
const arbQKV = fc
  .record({
    T: fc.integer({ min: 1, max: 6 }),
    extra: fc.integer({ min: 0, max: 5 }),
    Hkv: fc.integer({ min: 1, max: 3 }),
    group: fc.integer({ min: 1, max: 3 }),
    D: fc.integer({ min: 1, max: 9 }),
  })
  .chain(({ T, extra, Hkv, group, D }) =>
    fc.tuple(
      arbTensorOf([T, Hkv * group, D]),
      arbTensorOf([T + extra, Hkv, D]),
      arbTensorOf([T + extra, Hkv, D]),
    ),
  );

describe('attention', () => {
  test("the seed's dry run: 3 tokens, d_k = 4, scale 1/√4 (weights and output[0])", () => {
    const q = tensor(new Float32Array([1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0]), [3, 1, 4]);
    const k = tensor(new Float32Array([1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0]), [3, 1, 4]);
    const v = tensor(new Float32Array([1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0]), [3, 1, 4]);
    const { out, weights } = run(q, k, v, false);
    expectClose(weights.data, [0.27, 0.27, 0.45, 0.38, 0.38, 0.23, 0.51, 0.19, 0.31], 0.01, 0);
    expectClose(out.data.subarray(0, 4), [0.72, 0.72, 0.27, 0.27], 0.01, 0);
    // exact: softmax([0.5, 0.5, 1]) = [e^.5, e^.5, e] / (2e^.5 + e)
    const z = 2 * Math.exp(0.5) + Math.E;
    expectClose(weights.data.subarray(0, 3), [Math.exp(0.5) / z, Math.exp(0.5) / z, Math.E / z], 1e-7, 0);
  });

  test('causal: masked positions get exactly zero weight, visible weights sum to 1', () => {
    fc.assert(
      fc.property(arbQKV, ([q, k, v]) => {
        const [T, H] = q.shape;
        const S = k.shape[0];
        const past = S - T;
        const { weights } = run(q, k, v, true);
        for (let h = 0; h < H; h++) {
          for (let t = 0; t < T; t++) {
            let sum = 0;
            for (let s = 0; s < S; s++) {
              const w = weights.data[(h * T + t) * S + s];
              if (s > past + t) expect(w).toBe(0);
              sum += w;
            }
            expect(sum).toBeCloseTo(1, 5);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  test('causal: changing future keys and values does not change the output', () => {
    fc.assert(
      fc.property(arbQKV, fc.integer({ min: 0, max: 2 ** 31 }), ([q, k, v], seed) => {
        const T = q.shape[0];
        const S = k.shape[0];
        const base = run(q, k, v, true, 0).out; // row t sees keys 0..t
        const k2 = { shape: k.shape, data: k.data.slice() };
        const v2 = { shape: v.shape, data: v.data.slice() };
        const rowSize = k.shape[1] * k.shape[2];
        // scramble the keys after the last query position
        for (let i = T * rowSize; i < S * rowSize; i++) {
          k2.data[i] = ((seed + i * 7919) % 17) - 8;
          v2.data[i] = ((seed + i * 104729) % 13) - 6;
        }
        expect(run(q, k2, v2, true, 0).out.data).toEqual(base.data);
      }),
      { numRuns: 50 },
    );
  });

  test('GQA equals MHA with each kv head repeated H/Hkv times', () => {
    fc.assert(
      fc.property(arbQKV, fc.boolean(), ([q, k, v], causal) => {
        const H = q.shape[1];
        const [S, Hkv, D] = k.shape;
        const repeat = (x: Tensor) => {
          const r = zeros([S, H, D]);
          for (let s = 0; s < S; s++)
            for (let h = 0; h < H; h++)
              r.data.set(
                x.data.subarray(
                  (s * Hkv + Math.floor((h * Hkv) / H)) * D,
                  (s * Hkv + Math.floor((h * Hkv) / H) + 1) * D,
                ),
                (s * H + h) * D,
              );
          return r;
        };
        const gqa = run(q, k, v, causal);
        const mha = run(q, repeat(k), repeat(v), causal);
        expect(gqa.out.data).toEqual(mha.out.data);
        expect(gqa.weights.data).toEqual(mha.weights.data);
      }),
      { numRuns: 60 },
    );
  });

  test('decoding one token with past = S − 1 equals the last row of full causal attention', () => {
    fc.assert(
      fc.property(arbQKV, ([q, k, v]) => {
        const [T, H, D] = q.shape;
        const S = k.shape[0];
        const full = run(q, k, v, true).out;
        const lastQ = tensor(q.data.slice((T - 1) * H * D), [1, H, D]);
        const one = run(lastQ, k, v, true, S - 1).out;
        expectClose(one.data, full.data.subarray((T - 1) * H * D), 0, 0);
      }),
      { numRuns: 50 },
    );
  });

  test('NaN in q gives NaN for that query only; masked keys keep weight 0', () => {
    const q = tensor(new Float32Array([1, 0, Number.NaN, 0]), [2, 1, 2]);
    const kv = tensor(new Float32Array([1, 0, 0, 1]), [2, 1, 2]);
    const { out, weights } = run(q, kv, kv, true);
    expect(Number.isNaN(out.data[0])).toBe(false);
    expect([...out.data.subarray(2)]).toEqual([Number.NaN, Number.NaN]);
    expect(weights.data[1]).toBe(0); // query 0 cannot see key 1
    expect([...weights.data.subarray(2)]).toEqual([Number.NaN, Number.NaN]);
  });

  test('a single key gives its value; non-causal allows more queries than keys', () => {
    const v = tensor(new Float32Array([3, -1]), [1, 1, 2]);
    const { out } = run(
      tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 1, 2]),
      tensor(new Float32Array([1, 1]), [1, 1, 2]),
      v,
      false,
    );
    expect([...out.data]).toEqual([3, -1, 3, -1, 3, -1]);
  });

  test('rejects heads that are not a multiple, bad past and a wrong weights shape', () => {
    const q = zeros([2, 3, 4]);
    const kv = zeros([2, 2, 4]);
    expect(() => be.attention(zeros([2, 3, 4]), q, kv, kv, { scale: 1, causal: true })).toThrow(
      /multiple of key\/value heads/,
    );
    const k1 = zeros([2, 1, 4]);
    expect(() => be.attention(zeros([2, 3, 4]), q, k1, k1, { scale: 1, causal: true, past: 1 })).toThrow(
      /past = 1/,
    );
    expect(() =>
      be.attention(zeros([2, 3, 4]), q, k1, k1, { scale: 1, causal: true, weights: zeros([3, 2, 3]) }),
    ).toThrow(/weights has shape \[3, 2, 3\] but must be \[3, 2, 2\]/);
    expect(() => be.attention(zeros([2, 3, 4]), q, k1, zeros([2, 1, 5]), { scale: 1, causal: true })).toThrow(
      /v has shape/,
    );
  });
});
