// Reference softmax over the last dimension. Legend: rows = all leading dimensions, C = last dimension.

import type { Tensor } from '../../tensor';
import { checkShape, checkTensor } from './check';

/**
 * Row-wise softmax: out_i = e^(x_i − max) / Σ_j e^(x_j − max). A row of all −∞ (fully masked) gives zeros;
 * a row containing NaN gives NaN.
 * out may be x (in place).
 */
export function softmax(out: Tensor, x: Tensor): void {
  checkTensor('softmax', 'x', x);
  checkShape('softmax', 'out', out, x.shape);
  const C = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  if (C === 0) return;
  const rowsCount = x.data.length / C;
  const X = x.data;
  const O = out.data;
  for (let r = 0; r < rowsCount; r++) {
    const base = r * C;
    // subtract the row max: e^x overflows f32 above x ≈ 88
    let max = Number.NEGATIVE_INFINITY;
    let hasNaN = false;
    for (let i = 0; i < C; i++) {
      const v = X[base + i];
      if (Number.isNaN(v)) hasNaN = true;
      else if (v > max) max = v;
    }
    if (hasNaN) {
      // a NaN logit poisons the whole row: say so instead of hiding it
      O.fill(Number.NaN, base, base + C);
      continue;
    }
    if (max === Number.NEGATIVE_INFINITY) {
      // subtle: every entry masked; −∞ − (−∞) is NaN, and "no key" means no weight
      O.fill(0, base, base + C);
      continue;
    }
    let sum = 0; // f64
    for (let i = 0; i < C; i++) sum += Math.exp(X[base + i] - max);
    // subtle: recompute e^(x − max) rather than store it, so x is still intact when out === x
    for (let i = 0; i < C; i++) O[base + i] = Math.exp(X[base + i] - max) / sum;
  }
}
