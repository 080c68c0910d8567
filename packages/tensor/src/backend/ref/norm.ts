// Reference normalisations over the last dimension. Legend: T = rows (all leading dimensions), C = d_model.

import type { Tensor } from '../../tensor';
import { checkNumber, checkShape, checkTensor, fmt, shapeError } from './check';

function lastDim(op: string, x: Tensor): number {
  checkTensor(op, 'x', x);
  if (x.shape.length === 0) shapeError(op, `x must have at least one dimension, got ${fmt(x.shape)}`);
  return x.shape[x.shape.length - 1];
}

/** out [T, C] = (x − mean) / √(var + eps) · weight + bias, biased variance over C; out may be x. */
export function layerNorm(
  out: Tensor,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  eps: number,
): void {
  const C = lastDim('layerNorm', x);
  checkShape('layerNorm', 'weight', weight, [C]);
  if (bias !== undefined) checkShape('layerNorm', 'bias', bias, [C]);
  checkNumber('layerNorm', 'eps', eps);
  checkShape('layerNorm', 'out', out, x.shape);
  if (C === 0) return;
  const T = x.data.length / C;
  const X = x.data;
  const O = out.data;
  const W = weight.data;
  for (let t = 0; t < T; t++) {
    const base = t * C;
    // two passes in f64: mean first, then the variance around it (no E[x²] − E[x]² cancellation)
    let mean = 0;
    for (let i = 0; i < C; i++) mean += X[base + i];
    mean /= C;
    let variance = 0;
    for (let i = 0; i < C; i++) {
      const d = X[base + i] - mean;
      variance += d * d;
    }
    variance /= C;
    const rstd = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < C; i++) {
      const normed = (X[base + i] - mean) * rstd;
      O[base + i] = normed * W[i] + (bias === undefined ? 0 : bias.data[i]);
    }
  }
}

/** out [T, C] = x / √(mean(x²) + eps) · weight; out may be x. */
export function rmsNorm(out: Tensor, x: Tensor, weight: Tensor, eps: number): void {
  const C = lastDim('rmsNorm', x);
  checkShape('rmsNorm', 'weight', weight, [C]);
  checkNumber('rmsNorm', 'eps', eps);
  checkShape('rmsNorm', 'out', out, x.shape);
  if (C === 0) return;
  const T = x.data.length / C;
  const X = x.data;
  const O = out.data;
  const W = weight.data;
  for (let t = 0; t < T; t++) {
    const base = t * C;
    let meanSquare = 0; // f64
    for (let i = 0; i < C; i++) meanSquare += X[base + i] * X[base + i];
    meanSquare /= C;
    const rms = 1 / Math.sqrt(meanSquare + eps);
    for (let i = 0; i < C; i++) O[base + i] = X[base + i] * rms * W[i];
  }
}
