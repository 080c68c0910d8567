import { describe, expect, test } from 'vitest';
import {
  createReferenceBackend,
  f32ToBf16,
  f32ToF16,
  halfTensor,
  isHalfTensor,
  LlmfError,
  tensor,
  widenWeights,
} from '../src/index';
import { halfWeightConformance } from '../src/testing';

describe('half-precision weights', () => {
  for (const c of halfWeightConformance(() => createReferenceBackend(), { numRuns: 15 })) test(c.name, c.run);

  test('widenWeights gives the stored values exactly (f16 subnormal, bf16)', () => {
    const f16 = halfTensor(Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7c00), [2, 2], 'f16');
    expect(Array.from(widenWeights(f16).data)).toEqual([1, -2, 2 ** -24, Number.POSITIVE_INFINITY]);
    const bf16 = halfTensor(Uint16Array.of(f32ToBf16(1.5), f32ToBf16(-3)), [2], 'bf16');
    expect(Array.from(widenWeights(bf16).data)).toEqual([1.5, -3]);
    expect(isHalfTensor(f16)).toBe(true);
    expect(isHalfTensor(tensor([1, 2]))).toBe(false);
  });

  test('reference linear with f16 w equals linear with the widened f32 w', () => {
    const be = createReferenceBackend();
    const w = halfTensor(Uint16Array.from([0.5, -1, 2, 0.25, 1, 3].map(f32ToF16)), [2, 3], 'f16');
    const out = be.alloc([1, 2], 'compute');
    be.linear(out, tensor([[1, 2, 3]]), w, tensor([10, 20]));
    // [1, 2, 3] · [0.5, −1, 2] + 10 = 14.5; [1, 2, 3] · [0.25, 1, 3] + 20 = 31.25
    expect(Array.from(out.data)).toEqual([14.5, 31.25]);
  });

  test('a half tensor whose data does not fill its shape is rejected with an LlmfError', () => {
    const be = createReferenceBackend();
    const bad = { shape: [2, 3], dtype: 'f16' as const, data: new Uint16Array(5) };
    expect(() => be.linear(be.alloc([1, 2], 'compute'), be.alloc([1, 3], 'compute'), bad)).toThrow(LlmfError);
    expect(() => halfTensor(new Uint16Array(5), [2, 3], 'f16')).toThrow(LlmfError);
    expect(() => be.embedding(be.alloc([1, 3], 'compute'), bad, [0])).toThrow(LlmfError);
  });

  test('allocHalf gives zeroed 16-bit storage of the shape', () => {
    const h = createReferenceBackend().allocHalf?.([3, 4], 'bf16');
    expect(h?.dtype).toBe('bf16');
    expect(h?.data).toEqual(new Uint16Array(12));
  });
});
