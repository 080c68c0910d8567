// The matrix products of training (forward and backward), routed through a Backend's `linear`
// (out [M, N] = a [M, K] · bᵀ, b [N, K]) so that a fast backend (WASM SIMD) carries all the heavy work.
// Every product is written in that one "a · bᵀ" form; the operands it needs transposed are copied
// first (O(M·K) data movement against O(M·N·K) arithmetic).
// Legend: N = rows (B·T), I = in features, O = out features, C = channels, V = vocab.

import type { Backend, Tensor } from '@llmf/tensor';
import { accumulate } from './residual';

/** out [cols, rows] = xᵀ for x [rows, cols]. */
export function transpose(out: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = x[o + c];
  }
}

const view = (data: Float32Array, shape: [number, number]): Tensor => ({
  shape,
  data: data.subarray(0, shape[0] * shape[1]),
});

/** Scratch sizes (in floats) a Gemm needs for products up to these dimensions. */
export function gemmScratchSize(
  maxRows: number,
  maxFeatures: number,
  vocab: number,
  channels: number,
): number {
  return Math.max(maxRows * maxFeatures, maxFeatures * maxFeatures, vocab * maxRows, vocab * channels);
}

/**
 * Forward and backward of the two kinds of dense layer in GPT-2, on a Backend:
 * Conv1D (`y = x · w + b`, w [I, O]) and the tied LM head (`logits = x · wteᵀ`, wte [V, C]).
 * Backward methods accumulate (+=) into their gradient outputs.
 */
export class Gemm {
  /**
   * @param scratch three buffers of gemmScratchSize floats each (best allocated from the backend, so the
   *   products read them in place)
   */
  constructor(
    readonly backend: Backend,
    scratch: [Float32Array, Float32Array, Float32Array],
  ) {
    [this.a, this.b, this.tmp] = scratch;
  }

  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly tmp: Float32Array;

  /** y [N, O] = x [N, I] · w [I, O] + bias [O] (w as Conv1D stores it, [in, out]). */
  conv1dForward(
    y: Float32Array,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    N: number,
    I: number,
    O: number,
  ): void {
    transpose(this.a, w, I, O); // wᵀ [O, I]: nn.Linear layout
    this.backend.linear(view(y, [N, O]), view(x, [N, I]), view(this.a, [O, I]), {
      shape: [O],
      data: bias.subarray(0, O),
    });
  }

  /**
   * Backward of conv1dForward:
   *   dx [N, I] += dy [N, O] · wᵀ,  dw [I, O] += xᵀ · dy,  dbias [O] += Σ_n dy[n]
   */
  conv1dBackward(
    dx: Float32Array,
    dw: Float32Array,
    dbias: Float32Array,
    dy: Float32Array,
    x: Float32Array,
    w: Float32Array,
    N: number,
    I: number,
    O: number,
  ): void {
    // dy [N, O] · (w [I, O])ᵀ → [N, I]: w already is the "b" of a·bᵀ
    this.backend.linear(view(this.tmp, [N, I]), view(dy, [N, O]), view(w, [I, O]));
    accumulate(dx, this.tmp, N * I);
    // xᵀ [I, N] · (dyᵀ [O, N])ᵀ → [I, O]
    transpose(this.a, x, N, I);
    transpose(this.b, dy, N, O);
    this.backend.linear(view(this.tmp, [I, O]), view(this.a, [I, N]), view(this.b, [O, N]));
    accumulate(dw, this.tmp, I * O);
    for (let n = 0; n < N; n++) {
      const o = n * O;
      for (let j = 0; j < O; j++) dbias[j] += dy[o + j];
    }
  }

  /** logits [N, V] = x [N, C] · wteᵀ (the LM head tied to the token embedding wte [V, C]). */
  headForward(
    logits: Float32Array,
    x: Float32Array,
    wte: Float32Array,
    N: number,
    C: number,
    V: number,
  ): void {
    this.backend.linear(view(logits, [N, V]), view(x, [N, C]), view(wte, [V, C]));
  }

  /** Backward of headForward: dx [N, C] += dlogits · wte,  dwte [V, C] += dlogitsᵀ · x. */
  headBackward(
    dx: Float32Array,
    dwte: Float32Array,
    dlogits: Float32Array,
    x: Float32Array,
    wte: Float32Array,
    N: number,
    C: number,
    V: number,
  ): void {
    // dlogits [N, V] · (wteᵀ [C, V])ᵀ → [N, C]
    transpose(this.a, wte, V, C);
    this.backend.linear(view(this.tmp, [N, C]), view(dlogits, [N, V]), view(this.a, [C, V]));
    accumulate(dx, this.tmp, N * C);
    // dlogitsᵀ [V, N] · (xᵀ [C, N])ᵀ → [V, C]
    transpose(this.a, dlogits, N, V);
    transpose(this.b, x, N, C);
    this.backend.linear(view(this.tmp, [V, C]), view(this.a, [V, N]), view(this.b, [C, N]));
    accumulate(dwte, this.tmp, V * C);
  }
}
