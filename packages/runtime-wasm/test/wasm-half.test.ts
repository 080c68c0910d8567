// Half-precision weights on the WASM backend: the halfWeightConformance suite of @llmf/tensor/testing
// (linear with f16 / bf16 w against the reference on the widened values, embedding exact over every 16-bit
// pattern) on the SIMD128 build, the default build and two threads; plus shapes big enough to run on the
// thread pool, and half tensors that live outside the backend's memory (copied in per call).
import {
  createReferenceBackend,
  f32ToBf16,
  f32ToF16,
  type HalfDtype,
  halfTensor,
  LlmfError,
  tensor,
  widenWeights,
} from '@llmf/tensor';
import { assertClose, defaultTolerances, halfWeightConformance, seededValues } from '@llmf/tensor/testing';
import { describe, expect, test } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';

describe.each([
  ['simd128', { simd: 'simd128' as const }],
  ['default', {}],
  ['2 threads', { threads: 2 }],
])('wasm backend half weights, %s', (_label, options) => {
  for (const c of halfWeightConformance(() => createWasmBackend(options), { numRuns: 20 }))
    test(c.name, c.run);
});

function halfOf(values: Float32Array, dtype: HalfDtype): Uint16Array {
  return Uint16Array.from(values, dtype === 'f16' ? f32ToF16 : f32ToBf16);
}

describe('wasm half linear, large enough for the thread pool', () => {
  for (const dtype of ['f16', 'bf16'] as const) {
    test(`${dtype}: decode [1, 768] · [515, 768]ᵀ and prefill [13, 768] on 2 threads equal the reference`, async () => {
      const be = await createWasmBackend({ threads: 2 });
      const ref = createReferenceBackend();
      try {
        const [N, K] = [515, 768];
        const bits = halfOf(seededValues(N * K, 7), dtype);
        const w = be.allocHalf([N, K], dtype);
        w.data.set(bits);
        const wide = widenWeights(halfTensor(bits, [N, K], dtype));
        const bias = tensor(seededValues(N, 8));
        for (const T of [1, 13]) {
          const x = tensor(seededValues(T * K, 9 + T), [T, K]);
          const out = be.alloc([T, N], 'compute');
          be.linear(out, be.upload(x, 'compute'), w, be.upload(bias, 'weights'));
          const want = ref.alloc([T, N], 'compute');
          ref.linear(want, x, wide, bias);
          assertClose(`${dtype} linear T=${T}`, out.data, want.data, [T, N], { atol: 1e-3, rtol: 1e-4 }, '');
        }
      } finally {
        be.dispose();
      }
    });
  }

  test('a half tensor outside the backend memory gives the same result (copied in per call)', async () => {
    const be = await createWasmBackend();
    try {
      const bits = halfOf(seededValues(6 * 10, 3), 'f16');
      const host = halfTensor(bits, [6, 10], 'f16');
      const x = tensor(seededValues(2 * 10, 4), [2, 10]);
      const out = be.alloc([2, 6], 'compute');
      be.linear(out, x, host);
      const want = createReferenceBackend().alloc([2, 6], 'compute');
      createReferenceBackend().linear(want, x, widenWeights(host));
      assertClose('foreign f16 linear', out.data, want.data, [2, 6], defaultTolerances.linear, '');
      const rowsOut = be.alloc([2, 10], 'compute');
      be.embedding(rowsOut, host, [5, 0]);
      expect(Array.from(rowsOut.data)).toEqual(
        Array.from(widenWeights(host).data.subarray(50, 60)).concat(
          Array.from(widenWeights(host).data.subarray(0, 10)),
        ),
      );
    } finally {
      be.dispose();
    }
  });

  test('a half w whose data does not fill its shape is rejected with an LlmfError', async () => {
    const be = await createWasmBackend();
    try {
      const bad = { shape: [3, 4], dtype: 'f16' as const, data: new Uint16Array(11) };
      expect(() => be.linear(be.alloc([1, 3], 'compute'), be.alloc([1, 4], 'compute'), bad)).toThrow(
        LlmfError,
      );
      expect(() => be.allocHalf([2, 2], 'f32' as HalfDtype)).toThrow(LlmfError);
    } finally {
      be.dispose();
    }
  });
});
