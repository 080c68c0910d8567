import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend } from '@llmf/tensor';
import { describe, expect } from 'vitest';
import {
  createConfig,
  loadTransformer,
  type ModelConfig,
  type ModelConfigInit,
  randomTensors,
} from '../src/index';
import { arbConfig, maxAbsDiff, randomIds, seededRandom } from './helpers';
import { naiveForward } from './naive-forward';

/** arbConfig widened with the variants the fixtures do not reach. */
const arbVariant = fc
  .tuple(
    arbConfig,
    fc.boolean(),
    fc.constantFrom('gelu' as const, 'geluTanh' as const, 'silu' as const),
    fc.boolean(),
  )
  .map(([c, causal, activation, biases]): ModelConfig => {
    const init: ModelConfigInit = { ...c, causal, attentionBias: biases || c.attentionBias };
    if (c.ffn === 'mlp') init.activation = activation;
    return createConfig(init);
  });

describe('forward equals a naive f64 reference', () => {
  test.prop([arbVariant, fc.nat()], { numRuns: 60 })(
    'logits [T, V] within 1e-4 for pre/post-norm, LayerNorm/RMSNorm, learned/sinusoidal/RoPE, causal/bidirectional',
    (config, seed) => {
      const random = seededRandom(seed);
      const tensors = randomTensors(config, random);
      const ids = randomIds(random, 1 + Math.floor(random() * config.maxPositions), config.vocabSize);
      const model = loadTransformer({ config, tensors, backend: createReferenceBackend() });
      const expected = naiveForward(config, tensors, ids).flat();
      expect(maxAbsDiff(model.forward(ids), expected)).toBeLessThan(1e-4);
    },
  );
});
