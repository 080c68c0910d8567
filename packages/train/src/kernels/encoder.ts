// Token + position embedding (GPT-2 "encoder"), forward and backward.
// Legend: B = batch, T = sequence length, C = channels, V = vocab.

/**
 * out [B, T, C] = wte[ids[b, t]] + wpe[t]
 * @param ids [B, T] token ids, each in [0, V)
 */
export function encoderForward(
  out: Float32Array,
  ids: ArrayLike<number>,
  wte: Float32Array,
  wpe: Float32Array,
  B: number,
  T: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const e = ids[b * T + t] * C;
      const p = t * C;
      for (let i = 0; i < C; i++) out[o + i] = wte[e + i] + wpe[p + i];
    }
  }
}

/** dwte[ids[b, t]] += dout[b, t]; dwpe[t] += dout[b, t] (accumulates). */
export function encoderBackward(
  dwte: Float32Array,
  dwpe: Float32Array,
  dout: Float32Array,
  ids: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const e = ids[b * T + t] * C;
      const p = t * C;
      for (let i = 0; i < C; i++) {
        const d = dout[o + i];
        dwte[e + i] += d;
        dwpe[p + i] += d;
      }
    }
  }
}
