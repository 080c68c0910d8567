// Shared helpers of the WASM kernel tests: seeded data and an atol/rtol comparison.
import { LlmfError, type Tensor, tensor } from '@llmf/tensor';

/** mulberry32: a small seeded PRNG, so a failing case reproduces from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of `shape` with values uniform in [−range, range) from `seed`. */
export function randomTensor(shape: number[], seed: number, range = 1): Tensor {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (next() * 2 - 1) * range;
  return tensor(data, shape);
}

/** Undefined when |actual − expected| ≤ atol + rtol·|expected| everywhere, else a message at the first miss. */
export function mismatch(
  actual: Float32Array,
  expected: Float32Array,
  atol: number,
  rtol: number,
): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return `at ${i}: wasm ${a}, reference ${e}`;
  }
  return undefined;
}

/** The LlmfError code f throws (a message if it throws something else), or undefined if it returns. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return LlmfError.isInstance(e) ? e.code : `not an LlmfError: ${String(e)}`;
  }
  return undefined;
}
