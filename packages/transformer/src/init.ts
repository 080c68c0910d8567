// Random weights for a config, in internal names (tests, training from scratch). Randomness is passed in.

import { type Tensor, tensor } from '@llmf/tensor';
import type { ModelConfig } from './config';
import { expectedTensors } from './weights';

/**
 * A full set of host tensors for `config` in internal ('llmf') names: matrices uniform in ±1/√fan_in,
 * embeddings ±1, norm weights 1 ± 0.1, biases ±0.1. `random` returns uniform numbers in [0, 1).
 */
export function randomTensors(config: ModelConfig, random: () => number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const { name, shape } of expectedTensors(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isNorm = /(^|\.)ln\w*w$/.test(name);
    const isBias = name.endsWith('b');
    const isEmbedding = name === 'wte' || name === 'wpe';
    const scale = isEmbedding ? 1 : isNorm || isBias ? 0.1 : 1 / Math.sqrt(shape[1] ?? 1);
    for (let i = 0; i < n; i++) data[i] = (isNorm ? 1 : 0) + (random() * 2 - 1) * scale;
    out.set(name, tensor(data, shape));
  }
  return out;
}
