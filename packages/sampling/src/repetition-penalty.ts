// Repetition penalty (CTRL, Keskar et al. 2019; Hugging Face RepetitionPenaltyLogitsProcessor). [V] → [V].

import { checkLogits, checkPenalty, readIds } from './check';

/**
 * Makes tokens that already appeared less likely: for every distinct id in `previousIds`,
 * `x > 0 ? x / penalty : x · penalty` (both move the logit down when penalty > 1). An id listed several times
 * is penalised once. Returns a new Float32Array; `logits` is not changed.
 * @example applyRepetitionPenalty([2, -1, 0.5], [0, 1], 2) // [1, -2, 0.5]
 */
export function applyRepetitionPenalty(
  logits: ArrayLike<number>,
  previousIds: Iterable<number>,
  penalty: number,
): Float32Array {
  checkLogits('applyRepetitionPenalty', logits);
  checkPenalty('applyRepetitionPenalty', penalty);
  const ids = readIds('applyRepetitionPenalty', previousIds, logits.length);
  const out = Float32Array.from(logits);
  for (const id of new Set(ids)) {
    const x = logits[id];
    out[id] = x > 0 ? x / penalty : x * penalty;
  }
  return out;
}
