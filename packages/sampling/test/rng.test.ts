import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createRng, LlmfError, xoshiro128ss } from '../src/index';

const take = (next: () => number, n: number) => Array.from({ length: n }, next);

describe('xoshiro128**', () => {
  it('matches the C reference (Blackman & Vigna, xoshiro128starstar.c) from state [1, 2, 3, 4]', () => {
    // printed by the reference C code compiled with gcc
    const rng = xoshiro128ss(1, 2, 3, 4);
    expect(take(rng.nextUint32, 8)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
  });

  it('rejects the all-zero state', () => {
    expect(() => xoshiro128ss(0, 0, 0, 0)).toThrow(LlmfError);
  });
});

describe('createRng', () => {
  it('pins the first outputs per seed, so Node and every browser draw the same numbers', () => {
    // SplitMix32 seeding + xoshiro128**, computed with the same algorithm in C (uint32_t arithmetic)
    expect(take(createRng(0).nextUint32, 6)).toEqual([
      50113177, 1317682150, 1654315219, 1250130309, 2346798796, 1206206012,
    ]);
    expect(take(createRng(42).nextUint32, 6)).toEqual([
      2014437610, 2096529072, 3945390806, 3977481168, 2815348970, 2729394531,
    ]);
    expect(take(createRng(2 ** 53 - 1).nextUint32, 6)).toEqual([
      63224522, 235037159, 3952720978, 1143662968, 3879329078, 4093614686,
    ]);
  });

  it('next() is nextUint32() / 2³²', () => {
    expect(createRng(42).next()).toBe(2014437610 / 2 ** 32);
  });

  test.prop([fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })], { numRuns: 100 })(
    'same seed → same sequence; next() ∈ [0, 1)',
    (seed) => {
      const a = take(createRng(seed).next, 20);
      expect(take(createRng(seed).next, 20)).toEqual(a);
      for (const x of a) expect(x >= 0 && x < 1).toBe(true);
    },
  );

  it('different seeds (including ones differing only above bit 32) give different sequences', () => {
    const first = (seed: number) => take(createRng(seed).nextUint32, 4).join(',');
    const seen = new Set([0, 1, 2, 2 ** 32, 2 ** 32 + 1, 2 ** 40].map(first));
    expect(seen.size).toBe(6);
  });

  it('is roughly uniform: mean ≈ 1/2 and every tenth of [0, 1) gets ≈ 10%', () => {
    const rng = createRng(7);
    const bins = new Array(10).fill(0);
    let total = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      total += x;
      bins[Math.floor(x * 10)]++;
    }
    expect(total / n).toBeCloseTo(0.5, 1);
    for (const b of bins) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.01);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53, '3'])('rejects seed %s with a typed error', (seed) => {
    expect(() => createRng(seed as number)).toThrow(/createRng: seed/);
    try {
      createRng(seed as number);
    } catch (e) {
      expect(LlmfError.isInstance(e) && e.code).toBe('INVALID_ARGUMENT');
    }
  });
});
