// Gradient clipping by global norm: if ‖g‖₂ over all parameters exceeds maxNorm, scale every gradient
// by maxNorm/‖g‖₂ so the update keeps its direction but not a spike's size.

import type { Tensor } from '@llmf/tensor';

/** Global L2 norm of the gradients (accumulated in f64). */
export function gradNorm(grads: readonly Tensor[]): number {
  let sum = 0;
  for (const g of grads) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) sum += d[i] * d[i];
  }
  return Math.sqrt(sum);
}

/** Scales the gradients in place so their global norm is at most maxNorm; returns the norm before. */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number): number {
  const norm = gradNorm(grads);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const s = maxNorm / norm;
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] *= s;
    }
  }
  return norm;
}
