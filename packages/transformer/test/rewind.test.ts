// Transformer.rewind(n): keep the first n cached positions (prefix caching). Continuing after a rewind
// must equal a fresh run of the same ids; rewinding checks its argument before changing anything.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbConfig, randomIds, randomModel, seededRandom } from './helpers';

describe('Transformer.rewind', () => {
  test.prop([arbConfig, fc.nat(), fc.nat(), fc.nat()], { numRuns: 60 })(
    'cache a, rewind to a common prefix k, append b: the logits of b equal a fresh run of prefix ++ b',
    (config, seed, kSeed, bSeed) => {
      const model = randomModel(config, seed);
      const random = seededRandom(seed ^ 0x5bd1e995);
      const maxT = config.maxPositions;
      const V = config.vocabSize;
      const a = randomIds(random, 1 + Math.floor(random() * (maxT - 1)), V);
      const k = kSeed % (a.length + 1); // 0..a.length positions kept
      const b = randomIds(random, 1 + (bSeed % (maxT - k)), V);
      model.forwardCached(a);
      model.rewind(k);
      expect(model.position).toBe(k);
      const reused = model.forwardCached(b); // [|b|, V]
      expect(model.position).toBe(k + b.length);
      const fresh = randomModel(config, seed).forward([...a.slice(0, k), ...b]); // [k + |b|, V]
      expect(Array.from(reused)).toEqual(Array.from(fresh.subarray(k * V)));
    },
  );

  it('rewind to the current length changes nothing; out-of-range n throws and keeps the cache', () => {
    const model = randomModel({ vocabSize: 7, dModel: 4, nLayer: 1, nHead: 2, maxPositions: 8 }, 3);
    const expected = randomModel({ vocabSize: 7, dModel: 4, nLayer: 1, nHead: 2, maxPositions: 8 }, 3);
    model.forwardCached([1, 2, 3]);
    model.rewind(3);
    for (const bad of [4, -1, 1.5, Number.NaN]) {
      expect(() => model.rewind(bad)).toThrow(/rewind: n must be an integer in 0\.\.3/);
      expect(model.position).toBe(3);
    }
    expect(Array.from(model.forwardCached([4]))).toEqual(
      Array.from(expected.forward([1, 2, 3, 4]).subarray(3 * 7)),
    );
    model.rewind(0);
    expect(model.position).toBe(0);
    expect(Array.from(model.forwardCached([5]))).toEqual(Array.from(expected.forward([5])));
  });
});
