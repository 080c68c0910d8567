// The Sample panel's numbers (seed §5) for the model's real logits [V], in the sampler's order:
//   temperature → softmax → top-k → top-p   (each filter renormalises what survives)

import { softmax, topK, topP } from '@llmf/sampling';

/** The filter settings; topK 0 and topP 1 mean "off". */
export interface Filters {
  temperature: number;
  topK: number;
  topP: number;
}

/** One candidate token's row: its logit, then its probability after each stage (0 = filtered out). */
export interface CandidateRow {
  id: number;
  logit: number;
  /** softmax(logits / T) */
  probability: number;
  /** after top-k (renormalised) */
  afterTopK: number;
  /** after top-p (renormalised): the distribution the sampler draws from */
  afterTopP: number;
}

/** The table: the `rows` most probable tokens, and sums over the whole vocabulary. */
export interface SamplingTable {
  rows: CandidateRow[];
  /** Σ softmax over all V tokens (1 up to rounding). */
  probabilitySum: number;
  /** Σ of the final distribution over all V tokens (1 up to rounding). */
  finalSum: number;
  /** Tokens left after every filter. */
  survivors: number;
}

/**
 * Probabilities of the next token after each stage, for display.
 * @example samplingTable([2, 1, 0.5, 0], { temperature: 1, topK: 2, topP: 1 }, 4).rows.map((r) => r.afterTopK)
 * // ≈ [0.73, 0.27, 0, 0] (the seed's top-k = 2 example)
 */
export function samplingTable(logits: ArrayLike<number>, f: Filters, rows: number): SamplingTable {
  const probabilities = softmax(logits, f.temperature); // [V]; T = 0 → one-hot on the argmax
  const afterK = f.topK > 0 ? topK(probabilities, f.topK) : probabilities;
  const afterP = f.topP < 1 ? topP(afterK, f.topP) : afterK;
  const order = Array.from({ length: logits.length }, (_, i) => i).sort(
    (a, b) => probabilities[b] - probabilities[a] || logits[b] - logits[a] || a - b,
  );
  let probabilitySum = 0;
  let finalSum = 0;
  let survivors = 0;
  for (let i = 0; i < logits.length; i++) {
    probabilitySum += probabilities[i];
    finalSum += afterP[i];
    if (afterP[i] > 0) survivors++;
  }
  return {
    rows: order.slice(0, rows).map((id) => ({
      id,
      logit: logits[id],
      probability: probabilities[id],
      afterTopK: afterK[id],
      afterTopP: afterP[id],
    })),
    probabilitySum,
    finalSum,
    survivors,
  };
}

/** cos(a, b) = a·b / (|a| |b|); 0 when either vector is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}
