// Causal masks: a decoder token may look at itself and the past, never the future.
// Legend: T = queries, S = keys, past = keys before the first query (S − T for a fresh sequence).
//   mask[t, s] = 0 if s ≤ past + t (allowed), −∞ otherwise (masked: e^−∞ = 0 after softmax)

import { LlmfError, type Tensor, zeros } from '@llmf/tensor';

/**
 * The causal mask [n, n]: 0 where query i may attend key j (j ≤ i), −Infinity where masked (j > i).
 * Added to the scores before softmax, masked positions get exactly zero weight.
 * @example
 * causalMask(3).data // [0, -∞, -∞,  0, 0, -∞,  0, 0, 0]
 */
export function causalMask(n: number): Tensor {
  return causalMaskRect(n, n, 0);
}

/** The causal mask [T, S] for T queries at positions past..past+T−1 over S keys: −∞ where s > past + t. */
export function causalMaskRect(T: number, S: number, past = S - T): Tensor {
  for (const [name, v] of [
    ['T', T],
    ['S', S],
    ['past', past],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new LlmfError('INVALID_ARGUMENT', `causalMask: ${name} must be a non-negative integer, got ${v}`);
    }
  }
  if (past + T > S) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `causalMask: ${T} queries after ${past} past keys need at least ${past + T} keys, got ${S}`,
    );
  }
  const mask = zeros([T, S]);
  for (let t = 0; t < T; t++) mask.data.fill(Number.NEGATIVE_INFINITY, t * S + past + t + 1, (t + 1) * S);
  return mask;
}
