import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend, type Tensor, tensor } from '@llmf/tensor';
import { describe, expect } from 'vitest';
import { multiHeadAttention, scaledDotProductAttention } from '../src/index';
import { randomTensor, seededRandom } from './helpers';

const backend = createReferenceBackend();

/** Columns [h·D, (h+1)·D) of x [N, H·D] as a [N, D] tensor (one head). */
function headOf(x: Tensor, h: number, D: number): Tensor {
  const [N, width] = x.shape as [number, number];
  const out = new Float32Array(N * D);
  for (let n = 0; n < N; n++) out.set(x.data.subarray(n * width + h * D, n * width + (h + 1) * D), n * D);
  return tensor(out, [N, D]);
}

/** Repeat each of the Hkv heads of x [S, Hkv·D] H/Hkv times → [S, H·D] (HF repeat_kv). */
function repeatKv(x: Tensor, Hkv: number, H: number, D: number): Tensor {
  const S = x.shape[0];
  const out = new Float32Array(S * H * D);
  for (let s = 0; s < S; s++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / Hkv));
      out.set(x.data.subarray((s * Hkv + g) * D, (s * Hkv + g + 1) * D), (s * H + h) * D);
    }
  }
  return tensor(out, [S, H * D]);
}

const dims = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  past: fc.integer({ min: 0, max: 3 }),
  Hkv: fc.integer({ min: 1, max: 3 }),
  group: fc.integer({ min: 1, max: 3 }),
  D: fc.integer({ min: 1, max: 6 }),
  causal: fc.boolean(),
  seed: fc.nat(),
});

describe('multiHeadAttention', () => {
  test.prop([dims], { numRuns: 80 })(
    'each head equals single-head SDPA on its slice (with past keys)',
    (p) => {
      const H = p.Hkv; // plain multi-head
      const S = p.past + p.T;
      const random = seededRandom(p.seed);
      const q = randomTensor(random, [p.T, H * p.D], 2);
      const k = randomTensor(random, [S, H * p.D], 2);
      const v = randomTensor(random, [S, H * p.D]);
      const out = backend.alloc([p.T, H * p.D], 'compute');
      const weights = backend.alloc([H, p.T, S], 'compute');
      multiHeadAttention(backend, out, q, k, v, { nHead: H, causal: p.causal, past: p.past, weights });
      for (let h = 0; h < H; h++) {
        const one = scaledDotProductAttention(headOf(q, h, p.D), headOf(k, h, p.D), headOf(v, h, p.D), {
          causal: p.causal,
        });
        const mine = headOf(out, h, p.D);
        one.output.data.forEach((x, i) => {
          expect(mine.data[i]).toBeCloseTo(x, 5);
        });
        one.weights.data.forEach((w, i) => {
          expect(weights.data[h * p.T * S + i]).toBeCloseTo(w, 5);
        });
      }
    },
  );

  test.prop([dims], { numRuns: 80 })('GQA equals MHA with repeated KV heads', (p) => {
    const H = p.Hkv * p.group;
    const S = p.past + p.T;
    const random = seededRandom(p.seed);
    const q = randomTensor(random, [p.T, H * p.D], 2);
    const k = randomTensor(random, [S, p.Hkv * p.D], 2);
    const v = randomTensor(random, [S, p.Hkv * p.D]);
    const gqa = backend.alloc([p.T, H * p.D], 'compute');
    multiHeadAttention(backend, gqa, q, k, v, { nHead: H, nKvHead: p.Hkv, causal: p.causal });
    const mha = backend.alloc([p.T, H * p.D], 'compute');
    const kRep = repeatKv(k, p.Hkv, H, p.D);
    const vRep = repeatKv(v, p.Hkv, H, p.D);
    multiHeadAttention(backend, mha, q, kRep, vRep, { nHead: H, causal: p.causal });
    gqa.data.forEach((x, i) => {
      expect(x).toBeCloseTo(mha.data[i], 6);
    });
  });

  test('nHead not a multiple of nKvHead is a typed error', () => {
    const x = tensor(new Float32Array(6), [1, 6]);
    const out = backend.alloc([1, 6], 'compute');
    expect(() => multiHeadAttention(backend, out, x, x, x, { nHead: 3, nKvHead: 2, causal: true })).toThrow(
      /multiple of nKvHead/,
    );
    expect(() => multiHeadAttention(backend, out, x, x, x, { nHead: 4, causal: true })).toThrow(
      /split into 4 heads/,
    );
  });
});
