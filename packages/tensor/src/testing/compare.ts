// Element-wise comparison with a stated tolerance and a failure message that locates the worst element.

import type { Op } from '../backend';
import type { Shape } from '../tensor';

/** |got − expected| ≤ atol + rtol·|expected| for every element (NaN matches NaN, ±∞ must match exactly). */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * The tolerances a correct f32 backend meets against the f64-accumulating reference on the suite's
 * inputs (values mostly in [−2, 2], dimensions up to 129).
 */
export const defaultTolerances: Readonly<Record<Op, Tolerance>> = {
  matmul: { atol: 1e-4, rtol: 1e-4 },
  linear: { atol: 1e-4, rtol: 1e-4 },
  add: { atol: 1e-6, rtol: 1e-6 },
  mul: { atol: 1e-6, rtol: 1e-6 },
  scale: { atol: 1e-6, rtol: 1e-6 },
  softmax: { atol: 1e-6, rtol: 1e-4 },
  layerNorm: { atol: 1e-4, rtol: 1e-4 },
  rmsNorm: { atol: 1e-4, rtol: 1e-4 },
  gelu: { atol: 1e-5, rtol: 1e-4 },
  geluTanh: { atol: 1e-5, rtol: 1e-4 },
  silu: { atol: 1e-5, rtol: 1e-4 },
  swiglu: { atol: 1e-5, rtol: 1e-4 },
  embedding: { atol: 0, rtol: 0 },
  rope: { atol: 2e-4, rtol: 1e-4 },
  attention: { atol: 1e-4, rtol: 1e-3 },
};

/** Index `flat` of a row-major `shape` as [i, j, ...]. */
export function unflatten(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    idx[d] = size === 0 ? 0 : rest % size;
    rest = size === 0 ? 0 : Math.floor(rest / size);
  }
  return idx;
}

/**
 * Compare `got` with `expected`; throw an Error naming the op, the worst element (index, both values,
 * the allowed error) and how many elements are out of tolerance, followed by `context` (shapes, options).
 */
export function assertClose(
  label: string,
  got: ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: Shape,
  tol: Tolerance,
  context: string,
): void {
  if (got.length !== expected.length) {
    throw new Error(`${label}: got ${got.length} values, expected ${expected.length}; ${context}`);
  }
  let worst = -1;
  let worstRatio = 0;
  let bad = 0;
  for (let i = 0; i < expected.length; i++) {
    const g = got[i];
    const e = expected[i];
    if (g === e || (Number.isNaN(g) && Number.isNaN(e))) continue;
    const allowed = tol.atol + tol.rtol * Math.abs(e);
    const err = Math.abs(g - e);
    // NaN, or ±∞ against anything else, is infinitely wrong
    const ratio = Number.isFinite(err)
      ? allowed > 0
        ? err / allowed
        : err > 0
          ? Number.POSITIVE_INFINITY
          : 0
      : Number.POSITIVE_INFINITY;
    if (ratio > 1) {
      bad++;
      if (worst < 0 || ratio > worstRatio) {
        worst = i;
        worstRatio = ratio;
      }
    }
  }
  if (bad > 0) {
    const g = got[worst];
    const e = expected[worst];
    throw new Error(
      `${label}: ${bad} of ${expected.length} values out of tolerance; worst at [${unflatten(worst, shape).join(', ')}] ` +
        `(flat ${worst}): got ${g}, expected ${e}, |diff| = ${Math.abs(g - e)} > atol ${tol.atol} + rtol ${tol.rtol}·|expected|; ${context}`,
    );
  }
}
