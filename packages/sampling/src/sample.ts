// The sampler: logits [V] → one token id, the whole decoding strategy in one call.

import {
  checkLogits,
  checkMinP,
  checkPenalty,
  checkTemperature,
  checkTopK,
  checkTopP,
  readIds,
} from './check';
import { LlmfError } from './errors';
import { minPUnchecked } from './min-p';
import { applyRepetitionPenalty } from './repetition-penalty';
import { createRng, type Rng, randomSeed } from './rng';
import { sampleFromUnchecked } from './sample-from';
import { argmax, softmaxUnchecked } from './softmax';
import { topKUnchecked } from './top-k';
import { topPUnchecked } from './top-p';

/** How to turn logits into a token. Every field is optional; the defaults sample from softmax(logits). */
export interface SampleOptions {
  /** Divides the logits before softmax. 0 = greedy (argmax, ties → lowest id). Default 1. */
  temperature?: number;
  /** Keep only the k most probable tokens (integer ≥ 1). Default: no limit. */
  topK?: number;
  /** Keep the smallest set of tokens reaching probability p, in (0, 1]. Default 1 (no limit). */
  topP?: number;
  /** Keep tokens with probability ≥ minP · max probability, in [0, 1]. Default 0 (no limit). */
  minP?: number;
  /** CTRL repetition penalty (> 0, 1 = none) applied to the ids in `previousIds`. Default 1. */
  repetitionPenalty?: number;
  /** Ids already in the sequence, for `repetitionPenalty`. */
  previousIds?: Iterable<number>;
  /** Seed for a fresh {@link createRng} for this one draw: the same seed and logits give the same id. */
  seed?: number;
  /** A generator to draw the coin from (advanced by one draw); use it across the steps of a generation. */
  rng?: Rng;
}

/**
 * Picks the next token from logits [V]. In this order (the Hugging Face order):
 * repetition penalty → temperature → softmax → top-k → top-p → min-p → draw.
 * Temperature 0 returns the argmax of the penalised logits without drawing.
 * The coin comes from `rng` if given, else from `createRng(seed)`, else from `createRng(randomSeed())`
 * (a seed from `crypto.getRandomValues`; no global PRNG state is used — not reproducible: pass `seed` or
 * `rng` when you need the same ids again).
 * All options are checked before any work; `logits` and `previousIds` are not changed.
 * @example sample([2, 1, 0.5, 0], { temperature: 0 }) // 0
 * @example sample([2, 1, 0.5, 0], { topK: 2, seed: 7 }) // 0 or 1, the same for seed 7 every time
 */
export function sample(logits: ArrayLike<number>, o: SampleOptions = {}): number {
  checkLogits('sample', logits);
  const { temperature = 1, repetitionPenalty = 1 } = o;
  const previousIds =
    o.previousIds === undefined ? undefined : readIds('sample', o.previousIds, logits.length);
  checkTemperature('sample', temperature);
  if (o.topK !== undefined) checkTopK('sample', o.topK);
  if (o.topP !== undefined) checkTopP('sample', o.topP);
  if (o.minP !== undefined) checkMinP('sample', o.minP);
  checkPenalty('sample', repetitionPenalty);
  if (o.seed !== undefined && o.rng !== undefined) {
    throw new LlmfError('INVALID_ARGUMENT', 'sample: pass either seed or rng, not both');
  }
  const rng = o.rng ?? (o.seed !== undefined ? createRng(o.seed) : undefined);

  const penalised =
    repetitionPenalty !== 1 && previousIds !== undefined
      ? applyRepetitionPenalty(logits, previousIds, repetitionPenalty)
      : logits;
  if (temperature === 0) return argmax(penalised);
  // the same steps as softmax → topK → topP → minP → sampleFrom, without re-checking what was checked above
  let probs = softmaxUnchecked(penalised, temperature);
  if (o.topK !== undefined && o.topK < probs.length) probs = topKUnchecked(probs, o.topK);
  if (o.topP !== undefined && o.topP < 1) probs = topPUnchecked(probs, o.topP);
  if (o.minP !== undefined && o.minP > 0) probs = minPUnchecked(probs, o.minP);
  const coin = (rng ?? createRng(randomSeed())).next();
  return sampleFromUnchecked(probs, coin);
}
