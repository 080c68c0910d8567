// Top-k: keep the k most probable tokens, zero the rest, renormalise. [V] → [V].

import { checkProbs, checkTopK } from './check';
import { renormalize } from './renormalize';

/**
 * Keeps the `k` most probable tokens and renormalises them to sum 1; every other entry becomes 0.
 * Ties at the k-th value: the lowest indices win, so exactly `min(k, V)` entries are kept (entries that were
 * already 0 stay 0, so the output has `min(k, nonzeros)` nonzeros). `k ≥ V` keeps every token.
 * @example topK([0.58, 0.21, 0.13, 0.08], 2) // ≈ [0.73, 0.27, 0, 0]
 */
export function topK(probs: ArrayLike<number>, k: number): Float32Array {
  checkProbs('topK', probs);
  checkTopK('topK', k);
  const n = probs.length;
  if (k >= n) return renormalize(probs, () => true);
  // the k-th largest value: sort a float64 copy ascending (exact for float32 or float64 inputs)
  const sorted = Float64Array.from(probs).sort();
  const kth = sorted[n - k];
  // values strictly above kth are all kept; ties at kth fill the remaining slots from the lowest index up
  let above = 0;
  for (let i = 0; i < n; i++) if (probs[i] > kth) above++;
  const keep = new Uint8Array(n);
  let tiesLeft = k - above;
  for (let i = 0; i < n; i++) {
    if (probs[i] > kth) keep[i] = 1;
    else if (probs[i] === kth && tiesLeft > 0) {
      keep[i] = 1;
      tiesLeft--;
    }
  }
  return renormalize(probs, (i) => keep[i] === 1);
}
