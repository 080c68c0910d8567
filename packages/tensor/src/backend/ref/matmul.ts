// Reference matrix products: the clean, minimal spec, naive loops with an f64 accumulator.
// Legend: T = tokens, M/K/N = rows / inner / columns.

import { type WeightTensor, widenWeights } from '../../half';
import type { Tensor } from '../../tensor';
import { checkNoOverlap, checkShape, checkTensor, checkWeight, fmt, shapeError } from './check';

/** out [M, N] = a [M, K] · b [K, N] */
export function matmul(out: Tensor, a: Tensor, b: Tensor): void {
  checkTensor('matmul', 'a', a, 2);
  checkTensor('matmul', 'b', b, 2);
  const [M, K] = a.shape as [number, number];
  const [K2, N] = b.shape as [number, number];
  if (K !== K2)
    shapeError(
      'matmul',
      `a ${fmt(a.shape)} · b ${fmt(b.shape)}: a's columns (${K}) must equal b's rows (${K2})`,
    );
  checkShape('matmul', 'out', out, [M, N]);
  checkNoOverlap('matmul', 'out', out, 'a', a);
  checkNoOverlap('matmul', 'out', out, 'b', b);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0; // f64 accumulator
      for (let k = 0; k < K; k++) acc += A[m * K + k] * B[k * N + n];
      O[m * N + n] = acc;
    }
  }
}

/** out [T, N] = x [T, K] · wᵀ + bias, with w [N, K] (nn.Linear layout) and bias [N]. */
export function linear(out: Tensor, x: Tensor, w: WeightTensor, bias?: Tensor): void {
  checkTensor('linear', 'x', x, 2);
  checkWeight('linear', 'w', w, 2);
  const [T, K] = x.shape as [number, number];
  const [N, K2] = w.shape as [number, number];
  if (K !== K2)
    shapeError(
      'linear',
      `x ${fmt(x.shape)} · wᵀ with w ${fmt(w.shape)}: x's columns (${K}) must equal w's columns (${K2}); w is [out, in]`,
    );
  if (bias !== undefined) checkShape('linear', 'bias', bias, [N]);
  checkShape('linear', 'out', out, [T, N]);
  checkNoOverlap('linear', 'out', out, 'x', x);
  checkNoOverlap('linear', 'out', out, 'w', w);
  if (bias !== undefined) checkNoOverlap('linear', 'out', out, 'bias', bias);
  const X = x.data;
  const W = widenWeights(w).data; // a half w is widened exactly to f32; the sums stay f64
  const O = out.data;
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) {
      let acc = bias === undefined ? 0 : bias.data[n]; // f64 accumulator
      for (let k = 0; k < K; k++) acc += X[t * K + k] * W[n * K + k];
      O[t * N + n] = acc;
    }
  }
}
