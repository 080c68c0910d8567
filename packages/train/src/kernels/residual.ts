// Residual connection: out = a + b, and the accumulating add used by every backward pass.

/** out = a + b over n values. */
export function residualForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/** acc += x over n values (the gradient of a sum flows unchanged to both inputs). */
export function accumulate(acc: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) acc[i] += x[i];
}
