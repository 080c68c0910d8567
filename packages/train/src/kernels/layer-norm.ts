// LayerNorm over the last dimension, forward and backward (as llm.c's layernorm_forward/backward).
// N = rows (B·T), C = channels.

/**
 * out [N, C] = (x − mean) · rstd · weight + bias, rstd = 1/√(var + eps) (biased variance).
 * Saves mean [N] and rstd [N] for the backward pass.
 */
export function layerNormForward(
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let m = 0;
    for (let i = 0; i < C; i++) m += x[o + i];
    m /= C;
    let v = 0;
    for (let i = 0; i < C; i++) {
      const d = x[o + i] - m;
      v += d * d;
    }
    v /= C;
    const s = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < C; i++) out[o + i] = (x[o + i] - m) * s * weight[i] + bias[i];
    mean[n] = m;
    rstd[n] = s;
  }
}

/**
 * Backward of layerNormForward; accumulates into dx [N, C], dweight [C], dbias [C].
 * With x̂ = (x − mean)·rstd and g = dout ⊙ weight:
 *   dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)),  dweight = Σ_n dout ⊙ x̂,  dbias = Σ_n dout
 */
export function layerNormBackward(
  dx: Float32Array,
  dweight: Float32Array,
  dbias: Float32Array,
  dout: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const m = mean[n];
    const s = rstd[n];
    let gMean = 0;
    let gxMean = 0;
    for (let i = 0; i < C; i++) {
      const xhat = (x[o + i] - m) * s;
      const g = dout[o + i] * weight[i];
      gMean += g;
      gxMean += g * xhat;
    }
    gMean /= C;
    gxMean /= C;
    for (let i = 0; i < C; i++) {
      const xhat = (x[o + i] - m) * s;
      const d = dout[o + i];
      dbias[i] += d;
      dweight[i] += d * xhat;
      dx[o + i] += s * (d * weight[i] - gMean - xhat * gxMean);
    }
  }
}
