import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend, LlmfError, type Tensor, tensor } from '@llmf/tensor';
import { describe, expect } from 'vitest';
import { KVCache } from '../src/index';
import { randomTensor, seededRandom } from './helpers';

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

  test('truncate(n) keeps rows [0, n) of every layer without allocating or copying', () => {
    const { backend, allocs } = counting();
    const cache = new KVCache(backend, { nLayer: 2, maxTokens: 4, nKvHead: 1, dHead: 1 });
    for (const l of [0, 1]) cache.append(l, tensor([[1], [2], [3]]), tensor([[4], [5], [6]]));
    const before = cache.keys[0].data;
    cache.truncate(1);
    expect(cache.length).toBe(1);
    expect(cache.lengthOf(1)).toBe(1);
    expect(Array.from(cache.view(1).keys.data)).toEqual([1]);
    expect(Array.from(cache.view(1).values.data)).toEqual([4]);
    expect(cache.keys[0].data).toBe(before);
    expect(Array.from(cache.keys[0].data)).toEqual([1, 2, 3, 0]); // dropped rows are left as they were
    const after = cache.append(0, tensor([[7]]), tensor([[8]]));
    expect(Array.from(after.keys.data)).toEqual([1, 7]); // …and overwritten by the next append
    expect(Array.from(after.values.data)).toEqual([4, 8]);
    cache.truncate(0);
    expect(cache.length).toBe(0);
    expect(cache.view(0).keys.shape).toEqual([0, 1, 1]);
    expect(allocs()).toBe(4);
  });

  test('truncate to the current length changes nothing; n < 0, n > length or non-integer is INVALID_ARGUMENT', () => {
    const cache = new KVCache(createReferenceBackend(), { nLayer: 2, maxTokens: 4, nKvHead: 1, dHead: 1 });
    cache.append(0, tensor([[1], [2]]), tensor([[3], [4]]));
    cache.append(1, tensor([[1], [2]]), tensor([[3], [4]]));
    cache.truncate(2);
    expect(cache.length).toBe(2);
    for (const bad of [-1, 3, 1.5, Number.NaN]) {
      try {
        cache.truncate(bad);
        expect.unreachable();
      } catch (e) {
        expect(LlmfError.isInstance(e) && e.code).toBe('INVALID_ARGUMENT');
        expect(String(e)).toMatch(/truncate: n must be an integer in 0\.\.2/);
      }
    }
    expect(Array.from(cache.view(1).keys.data)).toEqual([1, 2]);
    cache.append(0, tensor([[5]]), tensor([[6]])); // layer 0 holds 3, layer 1 holds 2: length is 2
    expect(() => cache.truncate(3)).toThrow(/0\.\.2/);
    cache.truncate(2);
    expect(cache.lengthOf(0)).toBe(2);
  });

  const truncateCase = fc
    .record({
      nLayer: fc.integer({ min: 1, max: 3 }),
      maxTokens: fc.integer({ min: 1, max: 8 }),
      nKvHead: fc.integer({ min: 1, max: 2 }),
      dHead: fc.integer({ min: 1, max: 3 }),
      k: fc.nat(),
      m: fc.nat(),
      j: fc.nat(),
      seed: fc.nat(),
    })
    .map((c) => {
      const k = c.k % (c.maxTokens + 1); // 0 ≤ k ≤ maxT
      const m = c.m % (k + 1); // 0 ≤ m ≤ k
      return { ...c, k, m, j: c.j % (c.maxTokens - m + 1) }; // m + j ≤ maxT
    });

  test.prop([truncateCase], { numRuns: 100 })(
    'append k rows, truncate to m, append j more: the views equal a cache built directly from the same rows',
    (c) => {
      const backend = createReferenceBackend();
      const shape = { nLayer: c.nLayer, maxTokens: c.maxTokens, nKvHead: c.nKvHead, dHead: c.dHead };
      const random = seededRandom(c.seed);
      const rowsOf = (T: number) => ({
        k: randomTensor(random, [T, c.nKvHead, c.dHead]),
        v: randomTensor(random, [T, c.nKvHead, c.dHead]),
      });
      const first = Array.from({ length: c.nLayer }, () => rowsOf(c.k));
      const second = Array.from({ length: c.nLayer }, () => rowsOf(c.j));
      const cache = new KVCache(backend, shape);
      for (let l = 0; l < c.nLayer; l++) cache.append(l, first[l].k, first[l].v);
      cache.truncate(c.m);
      for (let l = 0; l < c.nLayer; l++) cache.append(l, second[l].k, second[l].v);
      // the reference: the first m rows, then the j new rows, appended to a fresh cache
      const direct = new KVCache(backend, shape);
      const rowSize = c.nKvHead * c.dHead;
      for (let l = 0; l < c.nLayer; l++) {
        const head = (t: Tensor) => tensor(t.data.slice(0, c.m * rowSize), [c.m, c.nKvHead, c.dHead]);
        direct.append(l, head(first[l].k), head(first[l].v));
        direct.append(l, second[l].k, second[l].v);
      }
      expect(cache.length).toBe(c.m + c.j);
      for (let l = 0; l < c.nLayer; l++) {
        const [got, want] = [cache.view(l), direct.view(l)];
        expect(got.keys.shape).toEqual(want.keys.shape);
        expect(Array.from(got.keys.data)).toEqual(Array.from(want.keys.data));
        expect(Array.from(got.values.data)).toEqual(Array.from(want.values.data));
      }
    },
  );
});
