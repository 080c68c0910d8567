// GPT-2 for training: the forward pass that keeps every activation the backward pass needs, and the
// backward pass that fills a gradient for every parameter (as llm.c's train_gpt2.c, in TypeScript).
// Legend: B = batch, T = sequence length, N = B·T rows, C = channels, H = heads, V = vocab, L = layers.
// All buffers are allocated from the backend once, for the largest batch (maxBatch × nPositions).

import { type Backend, LlmfError, sizeOf, type Tensor } from '@llmf/tensor';
import { checkConfig, type Gpt2Config } from './config';
import { type AttentionScratch, attentionScratchSizes, BackendAttention } from './kernels/attention-backend';
import { crossEntropy } from './kernels/cross-entropy';
import { encoderBackward, encoderForward } from './kernels/encoder';
import { geluBackward, geluForward } from './kernels/gelu';
import { Gemm, gemmScratchSize } from './kernels/gemm';
import { layerNormBackward, layerNormForward } from './kernels/layer-norm';
import { residualForward } from './kernels/residual';
import { allocParams, type Gpt2Params } from './params';

/** Buffers start on 16-float (64-byte) boundaries, as SIMD kernels like. */
const align = (n: number) => Math.ceil(n / 16) * 16;

/** The activations one block keeps for its backward pass. */
interface BlockActivations {
  ln1: Float32Array; // [N, C]
  ln1Mean: Float32Array; // [N]
  ln1Rstd: Float32Array; // [N]
  qkv: Float32Array; // [N, 3C]
  atty: Float32Array; // [N, C]   attention output before c_proj
  att: Float32Array; // [B, H, T, T] softmax weights
  attProj: Float32Array; // [N, C]
  res2: Float32Array; // [N, C]   x + attn(ln_1(x))
  ln2: Float32Array; // [N, C]
  ln2Mean: Float32Array; // [N]
  ln2Rstd: Float32Array; // [N]
  fc: Float32Array; // [N, 4C]
  fcGelu: Float32Array; // [N, 4C]
  fcTanh: Float32Array; // [N, 4C]  tanh(√(2/π)·(x + 0.044715·x³)) of fc, for the GELU backward
  fcProj: Float32Array; // [N, C]
  res3: Float32Array; // [N, C]   block output
}

/** A GPT-2 model with its gradients and activation buffers, ready to train on one backend. */
export class Gpt2Model {
  readonly config: Gpt2Config;
  declare readonly params: Gpt2Params;
  declare readonly grads: Gpt2Params;
  readonly maxBatch: number;
  private readonly eps: number;
  declare private readonly gemm: Gemm;
  declare private readonly attention: BackendAttention;
  declare private readonly encoded: Float32Array;
  declare private readonly acts: BlockActivations[];
  declare private readonly lnf: Float32Array;
  declare private readonly lnfMean: Float32Array;
  declare private readonly lnfRstd: Float32Array;
  declare private readonly logitsBuf: Float32Array;
  declare private readonly dlogitsBuf: Float32Array;
  // gradients of activations, reused layer after layer
  declare private readonly dres: Float32Array;
  declare private readonly dC: Float32Array;
  declare private readonly dC3: Float32Array;
  declare private readonly d4C1: Float32Array;
  declare private readonly d4C2: Float32Array;
  // what the last forward saw, for backward
  private last:
    | { ids: Int32Array; targets: Int32Array | undefined; B: number; T: number; hasGrad: boolean }
    | undefined;

  /**
   * @param maxBatch the largest B a forward call will use (buffers are sized maxBatch × nPositions)
   */
  constructor(config: Gpt2Config, backend: Backend, maxBatch = 1) {
    checkConfig(config);
    if (!Number.isInteger(maxBatch) || maxBatch <= 0) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `Gpt2Model: maxBatch must be a positive integer, got ${maxBatch}`,
      );
    }
    this.config = config;
    this.maxBatch = maxBatch;
    this.eps = config.layerNormEpsilon ?? 1e-5;
    // Every buffer is carved from ONE backend allocation, sized by a dry run of the same layout: a WASM
    // backend then never grows its memory mid-training (which would detach the views held here).
    let total = 0;
    buildLayout(config, maxBatch, backend, (shape) => {
      total += align(sizeOf(shape));
      return { shape, data: new Float32Array(0) };
    });
    const block = backend.alloc([total], 'compute').data;
    let offset = 0;
    const layout = buildLayout(config, maxBatch, backend, (shape) => {
      const n = sizeOf(shape);
      const t = { shape, data: block.subarray(offset, offset + n) };
      offset += align(n);
      return t;
    });
    Object.assign(this, layout);
  }

  /** The logits [B, T, V] of the last forward call (a view: the next call overwrites it). */
  get logits(): Float32Array {
    const n = this.last ? this.last.B * this.last.T : 0;
    return this.logitsBuf.subarray(0, n * this.config.vocabSize);
  }

  /**
   * Runs the model on ids [B, T] (row-major). With targets [B, T] returns the mean cross-entropy
   * (targets < 0 are ignored), else NaN. The logits stay readable through `logits`.
   */
  forward(ids: ArrayLike<number>, B: number, T: number, targets?: ArrayLike<number>): number {
    const { vocabSize: V, nPositions: P, nEmbd: C, nHead: H } = this.config;
    if (!Number.isInteger(B) || B <= 0 || B > this.maxBatch || !Number.isInteger(T) || T <= 0 || T > P) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `Gpt2Model.forward: batch ${B} × ${T} tokens does not fit (1..${this.maxBatch} × 1..${P})`,
      );
    }
    const N = B * T;
    if (ids.length !== N || (targets !== undefined && targets.length !== N)) {
      throw new LlmfError('SHAPE_MISMATCH', `Gpt2Model.forward: ids and targets must hold B·T = ${N} values`);
    }
    const idArr = Int32Array.from(ids as ArrayLike<number>);
    for (let i = 0; i < N; i++) {
      if (!(idArr[i] >= 0 && idArr[i] < V) || idArr[i] !== Number(ids[i])) {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `Gpt2Model.forward: token id ${ids[i]} at ${i} is outside 0..${V - 1}`,
        );
      }
    }
    const tgt = targets === undefined ? undefined : Int32Array.from(targets);
    if (tgt) {
      for (let i = 0; i < N; i++) {
        if (tgt[i] >= V)
          throw new LlmfError('INVALID_ARGUMENT', `Gpt2Model.forward: target ${tgt[i]} ≥ vocab ${V}`);
      }
    }
    const p = this.params;
    const gemm = this.gemm;
    const eps = this.eps;
    encoderForward(this.encoded, idArr, p.wte.data, p.wpe.data, B, T, C); // [N, C]
    let x = this.encoded;
    for (let l = 0; l < this.config.nLayer; l++) {
      const w = p.blocks[l];
      const a = this.acts[l];
      // x = x + attn(ln_1(x))
      layerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, x, w.ln1Weight.data, w.ln1Bias.data, N, C, eps);
      gemm.conv1dForward(a.qkv, a.ln1, w.attnWeight.data, w.attnBias.data, N, C, 3 * C); // [N, C] @ [C, 3C] → [N, 3C]
      this.attention.forward(a.atty, a.att, a.qkv, B, T, C, H); // [N, 3C] → [N, C]
      gemm.conv1dForward(a.attProj, a.atty, w.attnProjWeight.data, w.attnProjBias.data, N, C, C); // [N, C] @ [C, C]
      residualForward(a.res2, x, a.attProj, N * C);
      // x = x + mlp(ln_2(x)), mlp = c_proj(gelu(c_fc(·)))
      layerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, w.ln2Weight.data, w.ln2Bias.data, N, C, eps);
      gemm.conv1dForward(a.fc, a.ln2, w.fcWeight.data, w.fcBias.data, N, C, 4 * C); // [N, C] @ [C, 4C] → [N, 4C]
      geluForward(a.fcGelu, a.fc, N * 4 * C, a.fcTanh);
      gemm.conv1dForward(a.fcProj, a.fcGelu, w.fcProjWeight.data, w.fcProjBias.data, N, 4 * C, C); // [N, 4C] @ [4C, C]
      residualForward(a.res3, a.res2, a.fcProj, N * C);
      x = a.res3;
    }
    layerNormForward(this.lnf, this.lnfMean, this.lnfRstd, x, p.lnfWeight.data, p.lnfBias.data, N, C, eps);
    gemm.headForward(this.logitsBuf, this.lnf, p.wte.data, N, C, V); // [N, C] @ [C, V] → [N, V]
    this.last = { ids: idArr, targets: tgt, B, T, hasGrad: tgt !== undefined };
    // with targets, ∂loss/∂logits is computed now, in the same pass as the loss (one exp per logit)
    return tgt ? crossEntropy(this.dlogitsBuf, this.logitsBuf, tgt, N, V) : Number.NaN;
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    const g = this.grads;
    g.wte.data.fill(0);
    g.wpe.data.fill(0);
    g.lnfWeight.data.fill(0);
    g.lnfBias.data.fill(0);
    for (const b of g.blocks) for (const t of Object.values(b)) t.data.fill(0);
  }

  /**
   * Fills `grads` with ∂loss/∂param for the last forward call (which must have had targets).
   * Gradients are accumulated: call zeroGrad() first unless you mean to add micro-batches.
   */
  backward(): void {
    const last = this.last;
    if (!last?.targets || !last.hasGrad) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        'Gpt2Model.backward: call forward(ids, B, T, targets) first (once per backward)',
      );
    }
    last.hasGrad = false;
    const { vocabSize: V, nEmbd: C, nHead: H, nLayer: L } = this.config;
    const { B, T, ids } = last;
    const N = B * T;
    const p = this.params;
    const g = this.grads;
    const gemm = this.gemm;
    const dres = this.dres.subarray(0, N * C);
    const dC = this.dC.subarray(0, N * C);
    // loss → logits (dlogits came with the loss in forward) → ln_f
    const dlogits = this.dlogitsBuf;
    dC.fill(0);
    gemm.headBackward(dC, g.wte.data, dlogits, this.lnf, p.wte.data, N, C, V);
    dres.fill(0);
    const top = L > 0 ? this.acts[L - 1].res3 : this.encoded;
    layerNormBackward(
      dres,
      g.lnfWeight.data,
      g.lnfBias.data,
      dC,
      top,
      p.lnfWeight.data,
      this.lnfMean,
      this.lnfRstd,
      N,
      C,
    );
    for (let l = L - 1; l >= 0; l--) {
      const w = p.blocks[l];
      const gw = g.blocks[l];
      const a = this.acts[l];
      const input = l === 0 ? this.encoded : this.acts[l - 1].res3;
      // res3 = res2 + fcProj: dres flows to both
      const dFcGelu = this.d4C1.subarray(0, N * 4 * C).fill(0);
      gemm.conv1dBackward(
        dFcGelu,
        gw.fcProjWeight.data,
        gw.fcProjBias.data,
        dres,
        a.fcGelu,
        w.fcProjWeight.data,
        N,
        4 * C,
        C,
      );
      const dFc = this.d4C2.subarray(0, N * 4 * C).fill(0);
      geluBackward(dFc, a.fc, dFcGelu, N * 4 * C, a.fcTanh);
      dC.fill(0);
      gemm.conv1dBackward(dC, gw.fcWeight.data, gw.fcBias.data, dFc, a.ln2, w.fcWeight.data, N, C, 4 * C);
      layerNormBackward(
        dres,
        gw.ln2Weight.data,
        gw.ln2Bias.data,
        dC,
        a.res2,
        w.ln2Weight.data,
        a.ln2Mean,
        a.ln2Rstd,
        N,
        C,
      );
      // res2 = input + attProj: dres (now ∂/∂res2) flows to both
      dC.fill(0);
      gemm.conv1dBackward(
        dC,
        gw.attnProjWeight.data,
        gw.attnProjBias.data,
        dres,
        a.atty,
        w.attnProjWeight.data,
        N,
        C,
        C,
      );
      const dQkv = this.dC3.subarray(0, N * 3 * C).fill(0);
      this.attention.backward(dQkv, dC, a.qkv, a.att, B, T, C, H);
      dC.fill(0);
      gemm.conv1dBackward(
        dC,
        gw.attnWeight.data,
        gw.attnBias.data,
        dQkv,
        a.ln1,
        w.attnWeight.data,
        N,
        C,
        3 * C,
      );
      layerNormBackward(
        dres,
        gw.ln1Weight.data,
        gw.ln1Bias.data,
        dC,
        input,
        w.ln1Weight.data,
        a.ln1Mean,
        a.ln1Rstd,
        N,
        C,
      );
    }
    encoderBackward(g.wte.data, g.wpe.data, dres, ids, B, T, C);
  }
}

/** Every buffer of a Gpt2Model, made with `alloc` in a fixed order (run twice: to measure, then to carve). */
function buildLayout(
  config: Gpt2Config,
  maxBatch: number,
  backend: Backend,
  alloc: (shape: number[]) => Tensor,
) {
  const { vocabSize: V, nPositions: P, nEmbd: C, nHead: H, nLayer: L } = config;
  const N = maxBatch * P;
  const f = (n: number) => alloc([n]).data;
  const params = allocParams(config, alloc);
  const grads = allocParams(config, alloc);
  const g = gemmScratchSize(N, 4 * C, V, C);
  const gemm = new Gemm(backend, [f(g), f(g), f(g)]);
  const [q, k, v, qh, kh, vh, doh, outh, scores, scoresT] = attentionScratchSizes(P, C, H).map(f);
  const scratch: AttentionScratch = { q, k, v, qh, kh, vh, doh, outh, scores, scoresT } as AttentionScratch;
  const attention = new BackendAttention(backend, scratch);
  const encoded = f(N * C);
  const acts: BlockActivations[] = [];
  for (let l = 0; l < L; l++) {
    acts.push({
      ln1: f(N * C),
      ln1Mean: f(N),
      ln1Rstd: f(N),
      qkv: f(N * 3 * C),
      atty: f(N * C),
      att: f(maxBatch * H * P * P),
      attProj: f(N * C),
      res2: f(N * C),
      ln2: f(N * C),
      ln2Mean: f(N),
      ln2Rstd: f(N),
      fc: f(N * 4 * C),
      fcGelu: f(N * 4 * C),
      fcTanh: f(N * 4 * C),
      fcProj: f(N * C),
      res3: f(N * C),
    });
  }
  return {
    params,
    grads,
    gemm,
    attention,
    encoded,
    acts,
    lnf: f(N * C),
    lnfMean: f(N),
    lnfRstd: f(N),
    logitsBuf: f(N * V),
    dlogitsBuf: f(N * V),
    dres: f(N * C),
    dC: f(N * C),
    dC3: f(N * 3 * C),
    d4C1: f(N * 4 * C),
    d4C2: f(N * 4 * C),
  };
}
