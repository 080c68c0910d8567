// ② ids → x [T, C]: token embedding plus (learned or sinusoidal) positions (seed §2).
//   x[t] = wte[ids[t]] + wpe[start + t]        (RoPE models add nothing here: they rotate q and k)

import { learnedPositions } from '@llmf/attention';
import type { Backend, Tensor } from '@llmf/tensor';
import type { ModelWeights } from './weights';

/** x [T, C] = wte[ids] (+ wpe[start..start+T)). `ids` holds T token ids, already checked. */
export function embed(
  backend: Backend,
  x: Tensor,
  w: ModelWeights,
  ids: ArrayLike<number>,
  start: number,
): void {
  backend.embedding(x, w.wte, ids); // table lookup: [V, C][ids] → [T, C]
  if (w.wpe !== undefined) backend.add(x, x, learnedPositions(w.wpe, start, x.shape[0])); // + [T, C]
}
