// Top-p (nucleus): keep the smallest set of most probable tokens whose probability reaches p. [V] → [V].

import { checkProbs, checkTopP } from './check';
import { renormalize } from './renormalize';
import { topIndices } from './top-indices';

/**
 * Keeps the smallest set of tokens whose cumulative probability reaches `p` — the token whose probability
 * crosses `p` is kept — and renormalises it to sum 1; every other entry becomes 0.
 * Tokens are taken most probable first; equal probabilities in lowest-index order. If `probs` does not sum
 * to 1 the threshold is `p · Σ probs`. `p = 1` keeps every token.
 * @example topP([0.58, 0.21, 0.13, 0.08], 0.7)  // keeps {0, 1}: cumulative 0.58 < 0.7, then 0.79 ≥ 0.7
 * @example topP([0.58, 0.21, 0.13, 0.08], 0.95) // keeps all four: 0.92 < 0.95 ≤ 1.00
 */
export function topP(probs: ArrayLike<number>, p: number): Float32Array {
  checkProbs('topP', probs);
  checkTopP('topP', p);
  return topPUnchecked(probs, p);
}

/** @internal — topP without the argument checks. */
export function topPUnchecked(probs: ArrayLike<number>, p: number): Float32Array {
  const n = probs.length;
  if (p === 1) return renormalize(probs, () => true);
  let total = 0;
  for (let i = 0; i < n; i++) total += probs[i];
  const threshold = p * total;
  // The nucleus is usually small: look at the m most probable tokens, and only if they do not reach p,
  // at 4× more (the last round, m ≥ V, sees every token).
  for (let m = 64; ; m *= 4) {
    const order = topIndices(probs, m);
    let cumulative = 0;
    for (let j = 0; j < order.length; j++) {
      cumulative += probs[order[j]];
      if (cumulative >= threshold || j === n - 1) {
        const keep = new Uint8Array(n);
        for (let q = 0; q <= j; q++) keep[order[q]] = 1;
        return renormalize(probs, (i) => keep[i] === 1 && probs[i] > 0);
      }
    }
  }
}
