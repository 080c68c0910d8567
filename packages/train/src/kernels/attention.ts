// Causal multi-head self-attention over a fused qkv tensor, forward and backward (as llm.c).
// Legend: B = batch, T = sequence length, C = channels, H = heads, D = C / H (head width).
// qkv [B, T, 3C] holds, per token, the query (columns 0..C), key (C..2C) and value (2C..3C), each
// split into H heads of D columns. Attention is the only layer that mixes information across time.

/**
 * out [B, T, C]: per head h, weights = softmax(q·kᵀ/√D + causal mask), out = weights · v.
 * Saves att [B, H, T, T] (the softmax weights, 0 above the diagonal) for the backward pass.
 */
export function attentionForward(
  out: Float32Array,
  att: Float32Array,
  qkv: Float32Array,
  B: number,
  T: number,
  C: number,
  H: number,
): void {
  const D = C / H;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * C3 + h * D;
        const a = ((b * H + h) * T + t) * T;
        // scores q·k for keys 0..t (the causal mask: keys after t are −∞ and get weight 0)
        let max = Number.NEGATIVE_INFINITY;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * D;
          let s = 0;
          for (let i = 0; i < D; i++) s += qkv[q + i] * qkv[k + i];
          s *= scale;
          att[a + t2] = s;
          if (s > max) max = s;
        }
        // softmax, shifted by the max for numerical stability
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(att[a + t2] - max);
          att[a + t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t2 = 0; t2 <= t; t2++) att[a + t2] *= inv;
        for (let t2 = t + 1; t2 < T; t2++) att[a + t2] = 0;
        // weighted sum of the values
        const o = (b * T + t) * C + h * D;
        for (let i = 0; i < D; i++) out[o + i] = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * D;
          const w = att[a + t2];
          for (let i = 0; i < D; i++) out[o + i] += w * qkv[v + i];
        }
      }
    }
  }
}

/**
 * Backward of attentionForward; accumulates into dqkv [B, T, 3C].
 *   datt[t2] = dout · v[t2],          dv[t2] += att[t2] · dout
 *   dscore[t2] = att[t2] · (datt[t2] − Σ_j att[j]·datt[j])     (softmax backward)
 *   dq += Σ dscore[t2] · k[t2] / √D,  dk[t2] += dscore[t2] · q / √D
 * @param datt scratch of at least T values
 */
export function attentionBackward(
  dqkv: Float32Array,
  dout: Float32Array,
  qkv: Float32Array,
  att: Float32Array,
  datt: Float32Array,
  B: number,
  T: number,
  C: number,
  H: number,
): void {
  const D = C / H;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * C3 + h * D;
        const a = ((b * H + h) * T + t) * T;
        const o = (b * T + t) * C + h * D;
        // through the weighted sum of values
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * D;
          const w = att[a + t2];
          let s = 0;
          for (let i = 0; i < D; i++) {
            s += dout[o + i] * qkv[v + i];
            dqkv[v + i] += w * dout[o + i];
          }
          datt[t2] = s;
          dot += w * s;
        }
        // through the softmax, then the scaled dot product
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * D;
          const ds = att[a + t2] * (datt[t2] - dot) * scale;
          for (let i = 0; i < D; i++) {
            dqkv[q + i] += ds * qkv[k + i];
            dqkv[k + i] += ds * qkv[q + i];
          }
        }
      }
    }
  }
}
