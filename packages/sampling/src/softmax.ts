// Logits → probabilities. V = vocabulary size; every function maps [V] → [V] and returns a new array.
//
//   p_i = e^((x_i − max) / T) / Σ_j e^((x_j − max) / T)
//
// Subtracting the max first keeps every exponent ≤ 0, so e^… never overflows whatever the logits' magnitude;
// sums are accumulated in float64 and only the results are stored as float32.

import { checkLogits, checkTemperature } from './check';

/**
 * Index of the largest logit (greedy decoding). Ties go to the lowest index.
 * @example greedy([2.0, 1.0, 0.5, 0.0]) // 0 ("on" in the seed's example)
 */
export function greedy(logits: ArrayLike<number>): number {
  checkLogits('greedy', logits);
  return argmax(logits);
}

/** argmax without checks; ties → lowest index (strict `>` keeps the first maximum). */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  let bestValue = xs[0];
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] > bestValue) {
      bestValue = xs[i];
      best = i;
    }
  }
  return best;
}

/**
 * Softmax of logits divided by a temperature: [V] → [V], summing to 1.
 * - `temperature` 1 (default) leaves the distribution as is, < 1 sharpens it, > 1 flattens it.
 * - `temperature` 0 is the limit T → 0: a one-hot vector on the largest logit (ties: the lowest index).
 * - −Infinity logits get probability 0.
 * @example softmax([2, 1, 0.5, 0])      // ≈ [0.58, 0.21, 0.13, 0.08]
 * @example softmax([2, 1, 0.5, 0], 0.5) // ≈ [0.83, 0.11, 0.04, 0.02]
 */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float32Array {
  checkLogits('softmax', logits);
  checkTemperature('softmax', temperature);
  return softmaxUnchecked(logits, temperature);
}

/** @internal — softmax without the argument checks (sample() checks once, up front). */
export function softmaxUnchecked(logits: ArrayLike<number>, temperature: number): Float32Array {
  const n = logits.length;
  const out = new Float32Array(n);
  if (temperature === 0) {
    out[argmax(logits)] = 1;
    return out;
  }
  // find max value (for numerical stability): e^((x − max)/T) ≤ 1
  const max = logits[argmax(logits)];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    sum += e; // summed in float64 from the unrounded terms
  }
  // sum ≥ 1: the max term contributes e^0
  const inverse = 1 / sum;
  for (let i = 0; i < n; i++) out[i] *= inverse;
  return out;
}

/**
 * Log-probabilities: log softmax(logits / T) = (x_i − max)/T − log Σ_j e^((x_j − max)/T), [V] → [V].
 * More precise than `Math.log(softmax(...))` for unlikely tokens (no underflow to −Infinity).
 * `temperature` 0 gives 0 on the argmax and −Infinity elsewhere.
 * @example logSoftmax([2, 1, 0.5, 0])[0] // ≈ −0.54 = log 0.58
 */
export function logSoftmax(logits: ArrayLike<number>, temperature = 1): Float32Array {
  checkLogits('logSoftmax', logits);
  checkTemperature('logSoftmax', temperature);
  const n = logits.length;
  const out = new Float32Array(n);
  if (temperature === 0) {
    out.fill(Number.NEGATIVE_INFINITY);
    out[argmax(logits)] = 0;
    return out;
  }
  const max = logits[argmax(logits)];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((logits[i] - max) / temperature);
  const logSum = Math.log(sum);
  for (let i = 0; i < n; i++) out[i] = (logits[i] - max) / temperature - logSum;
  return out;
}
