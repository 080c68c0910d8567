// Argument checks shared by every sampling function. Each throws an LlmfError('INVALID_ARGUMENT') whose
// message names the argument, the bad value and the accepted range, before any work is done.

import { LlmfError } from './errors';

function fail(message: string): never {
  throw new LlmfError('INVALID_ARGUMENT', message);
}

/**
 * Logits must be non-empty and hold no NaN and no +Infinity; −Infinity marks a masked token (probability 0),
 * but at least one logit must be finite.
 */
export function checkLogits(fn: string, logits: ArrayLike<number>): void {
  if (logits == null || typeof logits.length !== 'number') fail(`${fn}: logits must be an array of numbers`);
  const n = logits.length;
  if (n === 0) fail(`${fn}: logits are empty; pass one score per vocabulary token`);
  let finite = false;
  for (let i = 0; i < n; i++) {
    const x = logits[i];
    if (typeof x !== 'number' || Number.isNaN(x))
      fail(
        `${fn}: logits[${i}] is ${String(x)}; every logit must be a number (NaN usually means the model overflowed)`,
      );
    if (x === Number.POSITIVE_INFINITY)
      fail(`${fn}: logits[${i}] is +Infinity; logits must be finite (−Infinity masks a token)`);
    if (x !== Number.NEGATIVE_INFINITY) finite = true;
  }
  if (!finite) fail(`${fn}: every logit is −Infinity, so no token can be chosen`);
}

/** Probabilities must be non-empty, finite, ≥ 0, with a positive sum. */
export function checkProbs(fn: string, probs: ArrayLike<number>): void {
  if (probs == null || typeof probs.length !== 'number') fail(`${fn}: probs must be an array of numbers`);
  const n = probs.length;
  if (n === 0) fail(`${fn}: probs are empty; pass one probability per vocabulary token`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0)
      fail(`${fn}: probs[${i}] is ${String(p)}; probabilities must be finite and ≥ 0`);
    total += p;
  }
  if (!(total > 0)) fail(`${fn}: probabilities sum to 0; at least one token needs a positive probability`);
}

/** Temperature: a finite number ≥ 0 (0 means greedy). */
export function checkTemperature(fn: string, temperature: number): void {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    fail(`${fn}: temperature is ${String(temperature)}; use a finite number ≥ 0 (0 = greedy, 1 = unchanged)`);
  }
}

/** Top-k: an integer ≥ 1. */
export function checkTopK(fn: string, k: number): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1)
    fail(`${fn}: topK is ${String(k)}; use an integer ≥ 1`);
}

/** Top-p: a number in (0, 1]. */
export function checkTopP(fn: string, p: number): void {
  if (typeof p !== 'number' || !(p > 0 && p <= 1))
    fail(`${fn}: topP is ${String(p)}; use a number in (0, 1] (1 keeps every token)`);
}

/** Min-p: a number in [0, 1]. */
export function checkMinP(fn: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    fail(`${fn}: minP is ${String(p)}; use a number in [0, 1] (0 keeps every token)`);
}

/** Repetition penalty: a finite number > 0 (1 = none). */
export function checkPenalty(fn: string, penalty: number): void {
  if (typeof penalty !== 'number' || !Number.isFinite(penalty) || penalty <= 0) {
    fail(
      `${fn}: repetitionPenalty is ${String(penalty)}; use a finite number > 0 (1 = no penalty, 1.1–1.3 is typical)`,
    );
  }
}

/**
 * Token ids: an iterable of integers in [0, vocabSize). Returns them as an array (an iterator can be read
 * only once, so callers use the returned copy).
 */
export function readIds(fn: string, ids: Iterable<number>, vocabSize: number): number[] {
  if (ids == null || typeof (ids as Iterable<number>)[Symbol.iterator] !== 'function')
    fail(`${fn}: previousIds must be an iterable of token ids`);
  const list = Array.from(ids);
  list.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      fail(`${fn}: previousIds[${i}] is ${String(id)}; token ids must be integers in [0, ${vocabSize})`);
    }
  });
  return list;
}

/** A coin for sampleFrom: a number in [0, 1). */
export function checkCoin(fn: string, coin: number): void {
  if (typeof coin !== 'number' || !(coin >= 0 && coin < 1))
    fail(`${fn}: coin is ${String(coin)}; use a uniform random number in [0, 1)`);
}
