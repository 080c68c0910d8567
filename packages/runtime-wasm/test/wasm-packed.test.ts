// Packed linear weights on the WASM backend: the packedWeightConformance suite of @llmf/tensor/testing
// (linear with w packed by packLinear against the reference, random shapes, T = 1 included) on the SIMD128
// build, the default build and two threads; plus shapes big enough for the thread pool, and the errors.
import { createReferenceBackend, LlmfError, tensor } from '@llmf/tensor';
import { assertClose, defaultTolerances, packedWeightConformance, seededValues } from '@llmf/tensor/testing';
import { describe, expect, test } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';

describe.each([
  ['simd128', { simd: 'simd128' as const }],
  ['default', {}],
  ['2 threads', { threads: 2 }],
])('wasm backend packed weights, %s', (_label, options) => {
  for (const c of packedWeightConformance(() => createWasmBackend(options), { numRuns: 25 }))
    test(c.name, c.run);
});

describe('wasm packed linear, large enough for the thread pool', () => {
  // N = 517: panels split over 2 threads in multiples of 8 columns, the last panel partial
  test.each([1, 3, 13, 70, 129])(
    'T = %i: [T, 300] · packed [517, 300]ᵀ + bias on 2 threads equals the reference',
    async (T) => {
      const be = await createWasmBackend({ threads: 2 });
      const ref = createReferenceBackend();
      try {
        const [K, N] = [300, 517];
        const x = tensor(seededValues(T * K, 1), [T, K]);
        const w = tensor(seededValues(N * K, 2), [N, K]);
        const bias = tensor(seededValues(N, 3), [N]);
        const packed = be.packLinear(be.upload(w, 'weights'));
        const out = be.alloc([T, N], 'compute');
        be.linear(out, be.upload(x, 'compute'), packed, be.upload(bias, 'weights'));
        const want = ref.alloc([T, N], 'compute');
        ref.linear(want, x, w, bias);
        assertClose('packed linear', out.data, want.data, want.shape, defaultTolerances.linear, `T ${T}`);
      } finally {
        be.dispose();
      }
    },
  );
});

describe('wasm packed linear, rows longer than the packing scratch', () => {
  test('[5, 33000] · packed [9, 33000]ᵀ (each x row alone) equals the reference', async () => {
    const be = await createWasmBackend();
    const ref = createReferenceBackend();
    try {
      const [T, K, N] = [5, 33000, 9];
      const x = tensor(seededValues(T * K, 4), [T, K]);
      const w = tensor(seededValues(N * K, 5), [N, K]);
      const out = be.alloc([T, N], 'compute');
      be.linear(out, be.upload(x, 'compute'), be.packLinear(be.upload(w, 'weights')));
      const want = ref.alloc([T, N], 'compute');
      ref.linear(want, x, w);
      assertClose('packed linear', out.data, want.data, want.shape, defaultTolerances.linear, 'K 33000');
    } finally {
      be.dispose();
    }
  });
});

describe('packLinear memory', () => {
  test('a weight is packed in place: no new tensor, no memory growth; the N % 4 tail rows stay plain', async () => {
    const be = await createWasmBackend();
    try {
      const [N, K] = [4097, 1024]; // 16 MiB: a whole-tensor copy would grow the memory
      const w = be.alloc([N, K], 'weights');
      const values = seededValues(N * K, 6);
      w.data.set(values);
      const used = be.bytesInUse;
      const bytes = be.memory.buffer.byteLength;
      const packed = be.packLinear(w);
      expect(be.bytesInUse).toBe(used);
      expect(be.memory.buffer.byteLength).toBe(bytes);
      expect(packed.data.length).toBe(N * K);
      // row 5 of w is lane 1 of panel 1: values 16 bytes apart
      const panel1 = packed.data.subarray(4 * K, 8 * K);
      expect(Array.from({ length: K }, (_, k) => panel1[4 * k + 1])).toEqual(
        Array.from(values.subarray(5 * K, 6 * K)),
      );
      // row 4096 (the tail) is where it was
      expect(Array.from(packed.data.subarray(4096 * K))).toEqual(Array.from(values.subarray(4096 * K)));
    } finally {
      be.dispose();
    }
  });
});

describe('packLinear errors', () => {
  test('a weight from outside the backend, or a packed tensor of another backend, is refused', async () => {
    const be = await createWasmBackend();
    const other = await createWasmBackend();
    try {
      expect(() => be.packLinear(tensor([[1, 2]]))).toThrow(
        /packLinear: w must live in this backend's memory/,
      );
      const foreign = other.packLinear(other.upload(tensor([[1, 2]]), 'weights'));
      const err = (() => {
        try {
          be.linear(be.alloc([1, 1], 'compute'), be.upload(tensor([[1, 2]]), 'compute'), foreign);
        } catch (e) {
          return e;
        }
      })();
      expect(LlmfError.isInstance(err) && err.code).toBe('INVALID_ARGUMENT');
      expect(String(err)).toMatch(/not by this backend's packLinear/);
    } finally {
      be.dispose();
      other.dispose();
    }
  });

  test('shape mismatches name the packed w', async () => {
    const be = await createWasmBackend();
    try {
      const packed = be.packLinear(be.upload(tensor([[1, 2, 3]]), 'weights'));
      expect(() =>
        be.linear(be.alloc([1, 1], 'compute'), be.upload(tensor([[1, 2]]), 'compute'), packed),
      ).toThrow(/packed w \[1, 3\]: x's columns \(2\) must equal w's columns \(3\)/);
    } finally {
      be.dispose();
    }
  });
});
