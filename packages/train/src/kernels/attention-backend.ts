// Causal multi-head self-attention with its products on a Backend: the forward pass is the backend's
// `attention` op; the backward pass is four products per (sequence, head) through `matmul` / `linear`,
// with the softmax backward in between. Same math as attention.ts (the plain-loop version it is tested
// against). Legend: B = batch, T = sequence length, C = channels, H = heads, D = C / H.

import type { Backend, Tensor } from '@llmf/tensor';

const t2 = (data: Float32Array, rows: number, cols: number): Tensor => ({
  shape: [rows, cols],
  data: data.subarray(0, rows * cols),
});

/** Scratch a BackendAttention needs for sequences up to T tokens of C channels (floats, per buffer). */
export interface AttentionScratch {
  q: Float32Array; // [T, C]
  k: Float32Array; // [T, C]
  v: Float32Array; // [T, C]
  qh: Float32Array; // [T, D]
  kh: Float32Array; // [T, D]
  vh: Float32Array; // [T, D]
  doh: Float32Array; // [T, D]
  outh: Float32Array; // [T, D]
  scores: Float32Array; // [T, T]
  scoresT: Float32Array; // [T, T]
}

/** Sizes of the AttentionScratch buffers, in the order of its fields. */
export function attentionScratchSizes(T: number, C: number, H: number): number[] {
  const D = C / H;
  return [T * C, T * C, T * C, T * D, T * D, T * D, T * D, T * D, T * T, T * T];
}

/** Attention forward/backward over fused qkv [B, T, 3C] with the heavy products on a backend. */
export class BackendAttention {
  constructor(
    readonly backend: Backend,
    private readonly s: AttentionScratch,
  ) {}

  /** out [B, T, C] and att [B, H, T, T] (softmax weights) from qkv [B, T, 3C], causal, scale 1/√D. */
  forward(
    out: Float32Array,
    att: Float32Array,
    qkv: Float32Array,
    B: number,
    T: number,
    C: number,
    H: number,
  ): void {
    const D = C / H;
    const { q, k, v } = this.s;
    for (let b = 0; b < B; b++) {
      // split token rows [q | k | v] into three [T, H, D] tensors
      for (let t = 0; t < T; t++) {
        const src = (b * T + t) * 3 * C;
        q.set(qkv.subarray(src, src + C), t * C);
        k.set(qkv.subarray(src + C, src + 2 * C), t * C);
        v.set(qkv.subarray(src + 2 * C, src + 3 * C), t * C);
      }
      const shape = [T, H, D];
      this.backend.attention(
        { shape, data: out.subarray(b * T * C, (b + 1) * T * C) },
        { shape, data: q.subarray(0, T * C) },
        { shape, data: k.subarray(0, T * C) },
        { shape, data: v.subarray(0, T * C) },
        {
          scale: 1 / Math.sqrt(D),
          causal: true,
          weights: { shape: [H, T, T], data: att.subarray(b * H * T * T, (b + 1) * H * T * T) },
        },
      );
    }
  }

  /**
   * Backward; accumulates into dqkv [B, T, 3C]. Per sequence and head, with A = att [T, T], dO [T, D]:
   *   dV = Aᵀ·dO,  dA = dO·Vᵀ,  dS = A ⊙ (dA − rowsum(A ⊙ dA)) / √D,  dQ = dS·K,  dK = dSᵀ·Q
   */
  backward(
    dqkv: Float32Array,
    dout: Float32Array,
    qkv: Float32Array,
    att: Float32Array,
    B: number,
    T: number,
    C: number,
    H: number,
  ): void {
    const D = C / H;
    const scale = 1 / Math.sqrt(D);
    const { qh, kh, vh, doh, outh, scores, scoresT } = this.s;
    const be = this.backend;
    const gather = (dst: Float32Array, src: Float32Array, b: number, stride: number, col: number) => {
      for (let t = 0; t < T; t++)
        dst.set(src.subarray((b * T + t) * stride + col, (b * T + t) * stride + col + D), t * D);
    };
    const scatterAdd = (src: Float32Array, b: number, col: number) => {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * 3 * C + col;
        for (let i = 0; i < D; i++) dqkv[o + i] += src[t * D + i];
      }
    };
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        gather(qh, qkv, b, 3 * C, h * D);
        gather(kh, qkv, b, 3 * C, C + h * D);
        gather(vh, qkv, b, 3 * C, 2 * C + h * D);
        gather(doh, dout, b, C, h * D);
        const A = att.subarray((b * H + h) * T * T, (b * H + h + 1) * T * T);
        // dV [T, D] = Aᵀ [T, T] · dO [T, D]
        transposeSquare(scoresT, A, T);
        be.matmul(t2(outh, T, D), t2(scoresT, T, T), t2(doh, T, D));
        scatterAdd(outh, b, 2 * C + h * D);
        // dA [T, T] = dO [T, D] · Vᵀ
        be.linear(t2(scores, T, T), t2(doh, T, D), t2(vh, T, D));
        // softmax backward, row by row (masked entries have A = 0 and get dS = 0)
        for (let t = 0; t < T; t++) {
          const r = t * T;
          let dot = 0;
          for (let j = 0; j <= t; j++) dot += A[r + j] * scores[r + j];
          for (let j = 0; j < T; j++) scores[r + j] = j <= t ? A[r + j] * (scores[r + j] - dot) * scale : 0;
        }
        // dQ [T, D] = dS [T, T] · K [T, D]
        be.matmul(t2(outh, T, D), t2(scores, T, T), t2(kh, T, D));
        scatterAdd(outh, b, h * D);
        // dK [T, D] = dSᵀ · Q
        transposeSquare(scoresT, scores, T);
        be.matmul(t2(outh, T, D), t2(scoresT, T, T), t2(qh, T, D));
        scatterAdd(outh, b, C + h * D);
      }
    }
  }
}

function transposeSquare(out: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = x[i * n + j];
}
