// Reference elementwise ops. Each computes in f64 and stores f32; out may be the same tensor as an input.
// Broadcasting (add, mul): b has a's shape, or b is one row [C] repeated over a's last dimension C.

import type { Tensor } from '../../tensor';
import { checkNumber, checkShape, checkTensor, fmt, shapeError } from './check';
import { erfc } from './erf';

/** The length of b's repeating period over a: a's size (same shape) or a's last dimension (row broadcast). */
function broadcastPeriod(op: string, a: Tensor, b: Tensor): number {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (sameShape) return a.data.length;
  const C = a.shape.length === 0 ? 1 : a.shape[a.shape.length - 1];
  const isRow = b.shape.length >= 1 && b.shape[b.shape.length - 1] === C && b.data.length === C;
  if (!isRow) {
    shapeError(
      op,
      `b ${fmt(b.shape)} must have a's shape ${fmt(a.shape)} or be one row [${C}] over a's last dimension`,
    );
  }
  return C;
}

/** out = a + b; b has a's shape or is a row [C] broadcast over a's last dimension. */
export function add(out: Tensor, a: Tensor, b: Tensor): void {
  const period = broadcastPeriod('add', a, b);
  checkShape('add', 'out', out, a.shape);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < A.length; i++) O[i] = A[i] + B[i % period];
}

/** out = a ⊙ b; b has a's shape or is a row [C] broadcast over a's last dimension. */
export function mul(out: Tensor, a: Tensor, b: Tensor): void {
  const period = broadcastPeriod('mul', a, b);
  checkShape('mul', 'out', out, a.shape);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < A.length; i++) O[i] = A[i] * B[i % period];
}

/** out = x · s */
export function scale(out: Tensor, x: Tensor, s: number): void {
  checkTensor('scale', 'x', x);
  checkNumber('scale', 's', s);
  checkShape('scale', 'out', out, x.shape);
  const X = x.data;
  const O = out.data;
  for (let i = 0; i < X.length; i++) O[i] = X[i] * s;
}

/** GELU, erf form: x · Φ(x), Φ(x) = 0.5·erfc(−x/√2) (= 0.5·(1 + erf(x/√2))). */
export function gelu(out: Tensor, x: Tensor): void {
  checkTensor('gelu', 'x', x);
  checkShape('gelu', 'out', out, x.shape);
  const X = x.data;
  const O = out.data;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    O[i] = v * 0.5 * erfc(-v * Math.SQRT1_2);
  }
}

const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

/** GELU, tanh form (GPT-2 "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(out: Tensor, x: Tensor): void {
  checkTensor('geluTanh', 'x', x);
  checkShape('geluTanh', 'out', out, x.shape);
  const X = x.data;
  const O = out.data;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    O[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}

/** x · σ(x) = x / (1 + e^(−x)). */
function siluScalar(v: number): number {
  return v / (1 + Math.exp(-v));
}

/** SiLU: out = x · σ(x) */
export function silu(out: Tensor, x: Tensor): void {
  checkTensor('silu', 'x', x);
  checkShape('silu', 'out', out, x.shape);
  const X = x.data;
  const O = out.data;
  for (let i = 0; i < X.length; i++) O[i] = siluScalar(X[i]);
}

/** SwiGLU gate: out [T, F] = silu(gate) ⊙ up (gate and up of one shape). */
export function swiglu(out: Tensor, gate: Tensor, up: Tensor): void {
  checkTensor('swiglu', 'gate', gate);
  checkShape('swiglu', 'up', up, gate.shape);
  checkShape('swiglu', 'out', out, gate.shape);
  const G = gate.data;
  const U = up.data;
  const O = out.data;
  for (let i = 0; i < G.length; i++) O[i] = siluScalar(G[i]) * U[i];
}
