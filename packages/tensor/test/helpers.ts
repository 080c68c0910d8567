// Small helpers for the tensor package's own tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import { sizeOf, type Tensor, tensor } from '../src/index';

/** Every |actual[i] − expected[i]| ≤ atol + rtol·|expected[i]|. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 1e-6,
  rtol = 1e-5,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`index ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** f32 values in [−range, range] (no NaN / ∞). */
export function arbValues(n: number, range = 4): fc.Arbitrary<Float32Array> {
  return fc
    .array(
      fc.float({ min: Math.fround(-range), max: Math.fround(range), noNaN: true, noDefaultInfinity: true }),
      {
        minLength: n,
        maxLength: n,
      },
    )
    .map((a) => Float32Array.from(a));
}

/** A tensor of the given shape with random values. */
export function arbTensorOf(shape: number[], range = 4): fc.Arbitrary<Tensor> {
  return arbValues(sizeOf(shape), range).map((d) => tensor(d, shape));
}
