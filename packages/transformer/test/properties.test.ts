import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbConfig, maxAbsDiff, randomIds, randomModel, seededRandom } from './helpers';

describe('Transformer properties (random small configs, seeded random weights)', () => {
  test.prop([arbConfig, fc.nat(), fc.integer({ min: 1, max: 7 })], { numRuns: 60 })(
    'KV-cached decoding (prefill k, then one at a time) equals full recomputation',
    (config, seed, k) => {
      const model = randomModel(config, seed);
      const random = seededRandom(seed ^ 0x9e3779b9);
      const n = Math.min(config.maxPositions, k + 1 + Math.floor(random() * 4));
      const ids = randomIds(random, n, config.vocabSize);
      const V = config.vocabSize;
      const full = model.forward(ids); // [n, V]
      model.reset();
      const prefill = model.forwardCached(ids.slice(0, k));
      expect(maxAbsDiff(prefill, full.subarray(0, k * V))).toBeLessThan(1e-4);
      for (let t = k; t < n; t++) {
        const row = model.forwardCached([ids[t]], { lastOnly: true });
        expect(maxAbsDiff(row, full.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-4);
      }
      expect(model.position).toBe(n);
    },
  );

  test.prop([arbConfig, fc.nat(), fc.integer({ min: 1, max: 3 })], { numRuns: 40 })(
    'stepping through the input in chunks equals one step',
    (config, seed, step) => {
      const random = seededRandom(seed);
      const ids = randomIds(random, config.maxPositions, config.vocabSize);
      const whole = randomModel(config, seed, { stepTokens: config.maxPositions }).forward(ids);
      const chunked = randomModel(config, seed, { stepTokens: step }).forward(ids);
      expect(maxAbsDiff(chunked, whole)).toBeLessThan(1e-4);
    },
  );

  test.prop([arbConfig, fc.nat(), fc.nat()], { numRuns: 50 })(
    'causal: logits at position t do not depend on ids after t',
    (config, seed, cut) => {
      const random = seededRandom(seed);
      const n = 2 + (cut % (config.maxPositions - 1));
      const t = cut % (n - 1); // t < n − 1: there is a later token to change
      const a = randomIds(random, n, config.vocabSize);
      const b = [...a.slice(0, t + 1), ...randomIds(random, n - t - 1, config.vocabSize)];
      const model = randomModel(config, seed);
      const V = config.vocabSize;
      const la = model.forward(a).slice(0, (t + 1) * V);
      const lb = model.forward(b).slice(0, (t + 1) * V);
      expect(maxAbsDiff(la, lb)).toBe(0);
    },
  );

  // subtle: with C = 2 a LayerNorm output is ±[1, −1]·w + b whatever the input, so use C ≥ 4
  test.prop([arbConfig.filter((c) => c.dModel >= 4), fc.nat()], { numRuns: 40 })(
    'encoder-only (bidirectional): position 0 depends on later tokens; hidden [T, C] and mean pooled [C]',
    (decoder, seed) => {
      const config = { ...decoder, causal: false, vocabSize: Math.max(decoder.vocabSize, 3) };
      const model = randomModel(config, seed);
      const random = seededRandom(seed);
      const n = 3;
      const a = randomIds(random, n, config.vocabSize);
      const b = [...a];
      b[n - 1] = (a[n - 1] + 1) % config.vocabSize; // change only the last token
      const C = config.dModel;
      const ea = model.encode(a);
      const eb = model.encode(b);
      expect(ea.hidden.length).toBe(n * C);
      expect(ea.pooled.length).toBe(C);
      expect(maxAbsDiff(ea.hidden.subarray(0, C), eb.hidden.subarray(0, C))).toBeGreaterThan(0);
      for (let ch = 0; ch < C; ch++) {
        let mean = 0;
        for (let t = 0; t < n; t++) mean += ea.hidden[t * C + ch] / n;
        expect(ea.pooled[ch]).toBeCloseTo(mean, 5);
      }
      // the decoder with the same weights does not look ahead
      const causal = randomModel(
        decoder.vocabSize >= 3 ? decoder : { ...decoder, vocabSize: 3 },
        seed,
      ).encode(a);
      const causalB = randomModel(
        decoder.vocabSize >= 3 ? decoder : { ...decoder, vocabSize: 3 },
        seed,
      ).encode(b);
      expect(maxAbsDiff(causal.hidden.subarray(0, C), causalB.hidden.subarray(0, C))).toBe(0);
    },
  );

  test.prop([arbConfig, fc.nat()], { numRuns: 30 })(
    'attention weights [H, T, S] are recorded and causal',
    (config, seed) => {
      const model = randomModel(config, seed, { recordAttention: true });
      const ids = randomIds(seededRandom(seed), 4, config.vocabSize);
      model.forward(ids);
      const w = model.attentionWeights(config.nLayer - 1);
      expect(w.shape).toEqual([config.nHead, 4, 4]);
      for (let h = 0; h < config.nHead; h++) {
        for (let t = 0; t < 4; t++) {
          const row = Array.from(w.data.subarray((h * 4 + t) * 4, (h * 4 + t + 1) * 4));
          expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
          row.forEach((x, s) => {
            if (s > t) expect(x).toBe(0);
          });
        }
      }
    },
  );
});
