import { createReferenceBackend, LlmfError, tensor } from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { KVCache } from '../src/index';

function counting() {
  const backend = createReferenceBackend();
  let allocs = 0;
  const alloc = backend.alloc.bind(backend);
  backend.alloc = (shape, usage) => {
    allocs++;
    return alloc(shape, usage);
  };
  return { backend, allocs: () => allocs };
}

describe('KVCache', () => {
  test('allocates [maxT, Hkv, D] per layer once, appends rows, returns views of the filled rows', () => {
    const { backend, allocs } = counting();
    const cache = new KVCache(backend, { nLayer: 2, maxTokens: 4, nKvHead: 1, dHead: 2 });
    expect(allocs()).toBe(4);
    expect(cache.keys[0].shape).toEqual([4, 1, 2]);
    const a = cache.append(0, tensor([[1, 2]]), tensor([[3, 4]]));
    expect(a.keys.shape).toEqual([1, 1, 2]);
    const b = cache.append(
      0,
      tensor([
        [5, 6],
        [7, 8],
      ]),
      tensor([
        [9, 10],
        [11, 12],
      ]),
    );
    expect(b.keys.shape).toEqual([3, 1, 2]);
    expect(Array.from(b.keys.data)).toEqual([1, 2, 5, 6, 7, 8]);
    expect(Array.from(b.values.data)).toEqual([3, 4, 9, 10, 11, 12]);
    expect(b.keys.data.buffer).toBe(cache.keys[0].data.buffer);
    expect(cache.lengthOf(0)).toBe(3);
    expect(cache.length).toBe(0); // layer 1 is still empty
    cache.append(
      1,
      tensor([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
      tensor([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    );
    expect(cache.length).toBe(3);
    expect(allocs()).toBe(4); // no allocation per token
    cache.reset();
    expect(cache.length).toBe(0);
    expect(cache.view(0).keys.shape).toEqual([0, 1, 2]);
  });

  test('exceeding capacity is CONTEXT_OVERFLOW and leaves the cache unchanged', () => {
    const cache = new KVCache(createReferenceBackend(), { nLayer: 1, maxTokens: 2, nKvHead: 1, dHead: 1 });
    cache.append(0, tensor([[1]]), tensor([[2]]));
    try {
      cache.append(0, tensor([[3], [4]]), tensor([[5], [6]]));
      expect.unreachable();
    } catch (e) {
      expect(LlmfError.isInstance(e) && e.code).toBe('CONTEXT_OVERFLOW');
      expect(String(e)).toMatch(/context limit of 2 tokens/);
    }
    expect(cache.lengthOf(0)).toBe(1);
    expect(Array.from(cache.view(0).keys.data)).toEqual([1]);
    cache.append(0, tensor([[3]]), tensor([[4]]));
    expect(Array.from(cache.view(0).values.data)).toEqual([2, 4]);
  });

  test('bad layer or shape is a typed error', () => {
    const cache = new KVCache(createReferenceBackend(), { nLayer: 1, maxTokens: 2, nKvHead: 2, dHead: 1 });
    expect(() => cache.append(1, tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/layers 0..0/);
    expect(() => cache.append(0, tensor([[1, 2, 3]]), tensor([[1, 2, 3]]))).toThrow(/rows of 2 values/);
    expect(
      () => new KVCache(createReferenceBackend(), { nLayer: 0, maxTokens: 2, nKvHead: 1, dHead: 1 }),
    ).toThrow(/nLayer must be a positive integer/);
  });
});
