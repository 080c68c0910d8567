// Packing at load: a backend with `packLinear` re-lays each f32 linear weight once in the layout its
// matrix kernel reads fastest, the LM head included. A head tied to the token embedding is one table for
// both: packed once, gathered by that backend's `embedding` from the packed layout. Half weights stay as
// they are.

import { type Backend, isHalfTensor, isPackedTensor, type WeightTensor } from '@llmf/tensor';
import type { LayerWeights, ModelWeights } from './weights';

const LINEAR_KEYS = ['qkvw', 'attprojw', 'gatew', 'fcw', 'projw'] as const;

/** Replace each packable linear weight of `weights` by the backend's packed tensor; a no-op without packLinear. */
export function packLinearWeights(backend: Backend, weights: ModelWeights): ModelWeights {
  if (backend.packLinear === undefined) return weights;
  const pack = (w: WeightTensor): WeightTensor =>
    isHalfTensor(w) || isPackedTensor(w) ? w : (backend.packLinear as NonNullable<Backend['packLinear']>)(w);
  const layers = weights.layers.map((l) => {
    const packed: LayerWeights = { ...l };
    for (const key of LINEAR_KEYS) {
      const w = l[key];
      if (w !== undefined) packed[key] = pack(w);
    }
    return packed;
  });
  if (weights.lmheadw === weights.wte) {
    const table = pack(weights.wte);
    return { ...weights, layers, wte: table, lmheadw: table };
  }
  return { ...weights, layers, lmheadw: pack(weights.lmheadw) };
}
