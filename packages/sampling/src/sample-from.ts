// Drawing a token: inverse transform sampling over the cumulative distribution (llama2.c `sample_mult`).

import { checkCoin, checkProbs } from './check';

/**
 * The token whose cumulative-probability interval contains `coin`: the first i with
 * `coin · Σp < p_0 + … + p_i`. `coin` is a uniform random number in [0, 1) that the caller draws (from an
 * {@link Rng}), so this function is deterministic. Tokens with probability 0 are never returned; `probs`
 * need not sum exactly to 1.
 * @example sampleFrom([0.58, 0.21, 0.13, 0.08], 0.6) // 1 ("the": 0.58 ≤ 0.6 < 0.79)
 */
export function sampleFrom(probs: ArrayLike<number>, coin: number): number {
  checkProbs('sampleFrom', probs);
  checkCoin('sampleFrom', coin);
  return sampleFromUnchecked(probs, coin);
}

/** @internal — sampleFrom without the argument checks. */
export function sampleFromUnchecked(probs: ArrayLike<number>, coin: number): number {
  const n = probs.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += probs[i];
  const target = coin * total;
  let cumulative = 0;
  let lastPositive = 0;
  for (let i = 0; i < n; i++) {
    if (probs[i] === 0) continue;
    lastPositive = i;
    cumulative += probs[i];
    if (target < cumulative) return i;
  }
  // in case of rounding errors (target ≥ the recomputed sum): the last token that can be drawn
  return lastPositive;
}
