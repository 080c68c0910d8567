// Min-p: keep tokens at least p times as probable as the most probable one. [V] → [V].

import { checkMinP, checkProbs } from './check';
import { renormalize } from './renormalize';

/**
 * Keeps every token with probability ≥ `p · max(probs)` and renormalises them to sum 1; every other entry
 * becomes 0 (the Hugging Face `min_p` rule). The most probable token is always kept; `p = 0` keeps all.
 * @example minP([0.58, 0.21, 0.13, 0.08], 0.3) // keeps {0, 1}: 0.3 · 0.58 = 0.174 ≤ 0.21
 */
export function minP(probs: ArrayLike<number>, p: number): Float32Array {
  checkProbs('minP', probs);
  checkMinP('minP', p);
  return minPUnchecked(probs, p);
}

/** @internal — minP without the argument checks. */
export function minPUnchecked(probs: ArrayLike<number>, p: number): Float32Array {
  let max = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > max) max = probs[i];
  const threshold = p * max;
  return renormalize(probs, (i) => probs[i] >= threshold && probs[i] > 0);
}
