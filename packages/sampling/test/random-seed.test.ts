// Without seed or rng, sample() draws its coin from createRng(randomSeed()): a seed from
// crypto.getRandomValues, never Math.random (no global PRNG state).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRng, LlmfError, randomSeed, sample } from '../src/index';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('randomSeed and unseeded sampling', () => {
  it('randomSeed is an integer in [0, 2^53) built from two crypto words (hi: 21 bits)', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    for (let i = 0; i < 20; i++) {
      const s = randomSeed();
      expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    }
    expect(spy).toHaveBeenCalledTimes(20);
    spy.mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
      (a as unknown as Uint32Array).set([0xffffffff, 0xffffffff]);
      return a;
    });
    expect(randomSeed()).toBe(2 ** 53 - 1);
    spy.mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
      (a as unknown as Uint32Array).set([7, 0x00200001]); // bit 21 of hi is dropped
      return a;
    });
    expect(randomSeed()).toBe(2 ** 32 + 7);
  });

  it('sample() without seed or rng never calls Math.random and equals sample() with the crypto-drawn seed', () => {
    const random = vi.spyOn(Math, 'random');
    const words = [
      [1, 0],
      [123456789, 42],
      [0xdeadbeef, 0x1fffff],
    ];
    for (const [lo, hi] of words) {
      const getRandomValues = vi
        .spyOn(globalThis.crypto, 'getRandomValues')
        .mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
          (a as unknown as Uint32Array).set([lo, hi]);
          return a;
        });
      const logits = [0.3, 1.2, -0.5, 0.9, 0.1];
      const seed = hi * 2 ** 32 + lo;
      expect(sample(logits, { temperature: 1.5 })).toBe(sample(logits, { temperature: 1.5, seed }));
      expect(sample(logits, { topK: 3 })).toBe(sample(logits, { topK: 3, rng: createRng(seed) }));
      expect(getRandomValues).toHaveBeenCalledTimes(2);
      getRandomValues.mockRestore();
    }
    expect(random).not.toHaveBeenCalled();
  });

  it('unseeded draws vary: 40 draws over 8 equal tokens are not all the same', () => {
    const ids = new Set(Array.from({ length: 40 }, () => sample(new Array(8).fill(0))));
    expect(ids.size).toBeGreaterThan(1);
  });

  it('a host without crypto.getRandomValues: a typed error saying to pass a seed', () => {
    vi.stubGlobal('crypto', undefined);
    let error: unknown;
    try {
      sample([1, 2, 3]);
    } catch (e) {
      error = e;
    }
    expect(LlmfError.isInstance(error) && error.code).toBe('UNSUPPORTED');
    expect((error as Error).message).toMatch(/pass a seed/);
    expect(sample([1, 2, 3], { seed: 1 })).toBe(sample([1, 2, 3], { rng: createRng(1) }));
  });
});
