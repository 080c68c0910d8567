// GELU, tanh form (GPT-2 "gelu_new"), forward and backward.
//   y = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//   dy/dx = ½·(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)

const S = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** out = geluTanh(x), elementwise over n values; if given, tanhU receives tanh(u) for the backward pass. */
export function geluForward(out: Float32Array, x: Float32Array, n: number, tanhU?: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const th = Math.tanh(S * (v + A * v * v * v));
    if (tanhU) tanhU[i] = th;
    out[i] = 0.5 * v * (1 + th);
  }
}

/** dx += dout ⊙ geluTanh′(x) (accumulates); tanhU from geluForward saves recomputing tanh. */
export function geluBackward(
  dx: Float32Array,
  x: Float32Array,
  dout: Float32Array,
  n: number,
  tanhU?: Float32Array,
): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const th = tanhU ? tanhU[i] : Math.tanh(S * (v + A * v * v * v));
    const grad = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * S * (1 + 3 * A * v * v);
    dx[i] += grad * dout[i];
  }
}
