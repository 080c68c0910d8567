// Top-p (nucleus): keep the smallest set of most probable tokens whose probability reaches p. [V] → [V].

import { checkProbs, checkTopP } from './check';
import { renormalize } from './renormalize';

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
  const n = probs.length;
  if (p === 1) return renormalize(probs, () => true);
  let total = 0;
  for (let i = 0; i < n; i++) total += probs[i];
  const threshold = p * total;
  // Tokens below total·(1 − p)/(n − 1) can never be in the nucleus (as in llama2.c): together they hold less
  // than total·(1 − p), so the tokens above reach p first. Halving the bound leaves room for rounding.
  // Skipping them keeps the sort small for a 50k vocabulary.
  const cutoff = n > 1 ? (total * (1 - p)) / (n - 1) / 2 : 0;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (probs[i] >= cutoff && probs[i] > 0) candidates.push(i);
  // most probable first; ties by lowest index
  candidates.sort((a, b) => probs[b] - probs[a] || a - b);
  const keep = new Uint8Array(n);
  let cumulative = 0;
  for (const i of candidates) {
    keep[i] = 1;
    cumulative += probs[i];
    if (cumulative >= threshold) break;
  }
  return renormalize(probs, (i) => keep[i] === 1);
}
