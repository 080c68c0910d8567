// A PackedTensor is one backend's private layout: the reference backend and widenWeights refuse it.
import { describe, expect, it } from 'vitest';
import {
  createReferenceBackend,
  isPackedTensor,
  type PackedTensor,
  tensor,
  widenWeights,
} from '../src/index';

const packed: PackedTensor = { shape: [2, 2], packing: 'test-panel4', data: new Float32Array(8) };

describe('PackedTensor', () => {
  it('is recognised by its packing name, and plain or half tensors are not packed', () => {
    expect(isPackedTensor(packed)).toBe(true);
    expect(isPackedTensor(tensor([[1, 2]]))).toBe(false);
    expect(isPackedTensor({ shape: [1], dtype: 'f16', data: new Uint16Array(1) })).toBe(false);
    expect(isPackedTensor(null)).toBe(false);
  });

  it('is refused by the reference linear and embedding, naming the packing', () => {
    const be = createReferenceBackend();
    expect(() => be.linear(be.alloc([1, 2], 'compute'), be.alloc([1, 2], 'compute'), packed)).toThrow(
      /linear: w is packed \('test-panel4'\)/,
    );
    expect(() => be.embedding(be.alloc([1, 2], 'compute'), packed, [0])).toThrow(
      /embedding: table is packed/,
    );
  });

  it('cannot be widened back on the host', () => {
    expect(() => widenWeights(packed)).toThrow(/packed \('test-panel4'\)/);
  });
});
