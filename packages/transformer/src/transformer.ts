// The model: ids → logits, one forward pass (seed §6, "Putting It All Together").
//   x = embed(ids)                      [T, C]
//   for each block: x = block(x)        [T, C]   (attention + FFN, residuals, norms)
//   logits = head(norm_f(x))            [T, V]
// Every buffer (weights, activations for B tokens per step, the KV cache for maxT positions) is allocated
// once here from the config; long inputs run in steps of B tokens through the cache (exact for causal models).

import { KVCache, sinusoidalPositions } from '@llmf/attention';
import { type Backend, LlmfError, type Tensor } from '@llmf/tensor';
import { type Activations, allocActivations, firstRows } from './activations';
import { attendCached, attention } from './attention';
import { block } from './block';
import type { ModelConfig } from './config';
import { embed } from './embedding';
import { finalNorm, lmHead } from './head';
import { packLinearWeights } from './pack';
import { DecodePlan } from './plan';
import {
  loadWeights,
  type ModelWeights,
  type TensorNaming,
  type TensorSource,
  tensorSourceOf,
} from './weights';

/** What {@link loadTransformer} needs. */
export interface LoadTransformerOptions {
  config: ModelConfig;
  /**
   * Checkpoint tensors: a Map of f32 tensors (e.g. from readSafetensors; not modified), or a TensorSource
   * that reads them one at a time (names and shapes first), so loading holds one tensor on the host at a time.
   */
  tensors: Map<string, Tensor> | TensorSource;
  backend: Backend;
  /** Tensor names: 'huggingface' (default for gpt2, llama, qwen2) or 'llmf' (internal, default otherwise). */
  naming?: TensorNaming;
  /** KV-cache capacity in positions; default and maximum config.maxPositions. */
  maxTokens?: number;
  /** Tokens per forward step (activation rows); default min(maxTokens, 128). Encoder-only models use maxTokens. */
  stepTokens?: number;
  /** Keep each layer's attention weights [H, T, S] of the last call (steps then cover the whole input). */
  recordAttention?: boolean;
  /**
   * 'f32' (default): every weight widened to f32 at load. 'half': matrices stored F16 / BF16 (linear weights,
   * the token embedding, a tied head: one table for both) stay half in backend memory, widened inside the
   * kernels with f32 sums; needs a backend with `allocHalf` and a TensorSource with `readHalfInto`.
   */
  weights?: 'f32' | 'half';
  /**
   * Let a backend with `packLinear` re-lay the f32 linear weights once, in the layout its `linear` reads
   * fastest (default true). The values are unchanged; false keeps the checkpoint's layout.
   */
  pack?: boolean;
}

/**
 * Check a checkpoint (names and shapes), allocate every buffer, read the weights one tensor at a time into
 * backend memory, and return the model. Throws ModelFormatError naming the first missing or mis-shaped
 * tensor; nothing is read or allocated then.
 */
export function loadTransformer(o: LoadTransformerOptions): Transformer {
  const c = o.config;
  const naming = o.naming ?? (['gpt2', 'llama', 'qwen2'].includes(c.modelType) ? 'huggingface' : 'llmf');
  const source = o.tensors instanceof Map ? tensorSourceOf(o.tensors) : o.tensors;
  const maxTokens = o.maxTokens ?? c.maxPositions;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0 || maxTokens > c.maxPositions) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `maxTokens must be an integer in 1..${c.maxPositions} (the model's context), got ${maxTokens}`,
    );
  }
  const wholeInput = !c.causal || o.recordAttention === true;
  const step = wholeInput ? maxTokens : Math.min(o.stepTokens ?? 128, maxTokens);
  if (!Number.isInteger(step) || step <= 0) {
    throw new LlmfError('INVALID_ARGUMENT', `stepTokens must be a positive integer, got ${o.stepTokens}`);
  }
  const table = c.positions === 'sinusoidal' ? sinusoidalPositions(c.maxPositions, c.dModel) : undefined;
  if (o.weights !== undefined && o.weights !== 'f32' && o.weights !== 'half') {
    throw new LlmfError('INVALID_ARGUMENT', `weights must be 'f32' or 'half', got ${String(o.weights)}`);
  }
  // validates everything before any read
  const loaded = loadWeights(o.backend, c, source, naming, table, o.weights ?? 'f32');
  const weights = o.pack === false ? loaded : packLinearWeights(o.backend, loaded);
  return new Transformer(o.backend, c, weights, maxTokens, step, o.recordAttention === true);
}

/** A loaded model with its KV cache. Not safe for concurrent calls (one cache, one set of buffers). */
export class Transformer {
  /** The normalised model config. */
  readonly config: ModelConfig;
  /** KV-cache capacity in positions. */
  readonly maxTokens: number;
  private readonly backend: Backend;
  private readonly weights: ModelWeights;
  private readonly acts: Activations;
  private readonly cache: KVCache;
  private readonly stepIds: Int32Array; // [B] host copy of the ids of one step
  private readonly attentionRecord: Tensor[] | undefined; // [L] of [H, maxT, maxT] buffers
  private recordedShape: [number, number] = [0, 0]; // [T, S] of the last recorded call
  private plan: DecodePlan | undefined; // the one-token step, made at the first one
  private length = 0;

  /** Use {@link loadTransformer}. */
  constructor(
    backend: Backend,
    config: ModelConfig,
    weights: ModelWeights,
    maxTokens: number,
    step: number,
    record: boolean,
  ) {
    this.backend = backend;
    this.config = config;
    this.weights = weights;
    this.maxTokens = maxTokens;
    this.acts = allocActivations(backend, config, step, maxTokens);
    this.cache = new KVCache(backend, {
      nLayer: config.nLayer,
      maxTokens,
      nKvHead: config.nKvHead,
      dHead: config.dHead,
    });
    this.stepIds = new Int32Array(step);
    this.attentionRecord = record
      ? Array.from({ length: config.nLayer }, () =>
          backend.alloc([config.nHead * maxTokens * maxTokens], 'compute'),
        )
      : undefined;
  }

  /** Number of positions in the KV cache. */
  get position(): number {
    return this.length;
  }

  /** Forget the cached sequence. */
  reset(): void {
    this.cache.reset();
    this.length = 0;
  }

  /**
   * Keep only the first `n` cached positions (0 ≤ n ≤ position); the next forwardCached continues at n.
   * Prefix caching: a new sequence that shares its first n ids with the cached one reuses their keys/values.
   */
  rewind(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.length) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `rewind: n must be an integer in 0..${this.length} (the cached positions), got ${n}`,
      );
    }
    this.cache.truncate(n); // O(1): rows [0, n) stay, positions ≥ n are overwritten by the next forwardCached
    this.length = n;
  }

  /** Full recompute for a fresh sequence: logits [ids.length, V] row-major; resets the KV cache and fills it with ids. */
  forward(ids: ArrayLike<number>): Float32Array {
    this.checkIds(ids, 0);
    this.reset();
    return this.run(ids, false, false) as Float32Array;
  }

  /** Incremental: appends ids to the cached sequence, returns logits for the new positions [ids.length, V] (or only the last row if o.lastOnly). */
  forwardCached(ids: ArrayLike<number>, o: { lastOnly?: boolean } = {}): Float32Array {
    if (!this.config.causal) {
      throw new LlmfError(
        'UNSUPPORTED',
        'forwardCached: an encoder-only (bidirectional) model sees the whole sequence at once; call forward() or encode()',
      );
    }
    this.checkIds(ids, this.length);
    return this.run(ids, o.lastOnly === true, false) as Float32Array;
  }

  /** Final hidden states [T, C] (after the final norm) of a fresh sequence, and their mean [C] (pooled embedding). Resets the cache. */
  encode(ids: ArrayLike<number>): { hidden: Float32Array; pooled: Float32Array } {
    this.checkIds(ids, 0);
    this.reset();
    const hidden = this.run(ids, false, true) as Float32Array;
    const T = ids.length;
    const C = this.config.dModel;
    const pooled = this.acts.pooled; // [1, C]
    const ones = { shape: [1, T], data: this.acts.ones.data.subarray(0, T) };
    this.backend.matmul(pooled, ones, { shape: [T, C], data: hidden }); // [1, T] · [T, C] → Σ_t hidden[t]
    this.backend.scale(pooled, pooled, 1 / T); // mean
    return { hidden, pooled: pooled.data.slice() };
  }

  /** Attention weights [H, T, S] of layer `layer` from the last call (needs `recordAttention: true` at load). */
  attentionWeights(layer: number): Tensor {
    if (this.attentionRecord === undefined) {
      throw new LlmfError(
        'UNSUPPORTED',
        'attentionWeights: load the model with { recordAttention: true } to keep them',
      );
    }
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.config.nLayer) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `attentionWeights: layer ${layer} is not in 0..${this.config.nLayer - 1}`,
      );
    }
    const [T, S] = this.recordedShape;
    const H = this.config.nHead;
    return { shape: [H, T, S], data: this.attentionRecord[layer].data.subarray(0, H * T * S) };
  }

  /** Ids checked before any state changes: integers in [0, V), at least one, fitting after `past` cached positions. */
  private checkIds(ids: ArrayLike<number>, past: number): void {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new LlmfError('INVALID_ARGUMENT', 'ids must be an array of token ids');
    }
    if (ids.length === 0) throw new LlmfError('INVALID_ARGUMENT', 'ids is empty; pass at least one token id');
    const V = this.config.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id)) {
        throw new LlmfError('INVALID_ARGUMENT', `token id at index ${i} is ${id}, not an integer`);
      }
      if (id < 0 || id >= V) {
        throw new LlmfError(
          'UNKNOWN_TOKEN',
          `token id ${id} at index ${i} is outside the vocabulary 0..${V - 1}; check that the tokenizer matches the model`,
        );
      }
    }
    if (past + ids.length > this.maxTokens) {
      throw new LlmfError(
        'CONTEXT_OVERFLOW',
        `${past} cached + ${ids.length} new tokens exceed the context limit of ${this.maxTokens} tokens; shorten the input or reset()`,
      );
    }
  }

  /** Run ids through the stack in steps of B tokens; return logits (or final hidden states when `hidden`). */
  private run(ids: ArrayLike<number>, lastOnly: boolean, hidden: boolean): Float32Array {
    const { backend, config: c, weights: w } = this;
    const N = ids.length;
    const width = hidden ? c.dModel : c.vocabSize;
    const result = new Float32Array((lastOnly ? 1 : N) * width);
    try {
      if (N === 1 && !hidden && this.attentionRecord === undefined) {
        // one token (a decode step): the planned step
        if (this.plan === undefined || this.plan.stale) {
          this.plan = new DecodePlan(backend, c, w, this.acts, this.cache);
        }
        this.stepIds[0] = ids[0];
        result.set(this.plan.run(this.stepIds.subarray(0, 1), this.length));
        this.length += 1;
        return result;
      }
      for (let done = 0; done < N; done += this.acts.rows) {
        const T = Math.min(this.acts.rows, N - done);
        const start = this.length;
        const a = firstRows(this.acts, T);
        for (let t = 0; t < T; t++) this.stepIds[t] = ids[done + t];
        embed(backend, a.x, w, this.stepIds.subarray(0, T), start); // [T, C]
        for (let l = 0; l < c.nLayer; l++) {
          const lw = w.layers[l];
          const weights = this.recordSlot(l, T, start + T);
          block(backend, c, lw, a, (out, x) =>
            attention(backend, c, out, x, lw, a, (q, k, v) =>
              attendCached(backend, c, a, q, k, v, this.cache, l, start, weights),
            ),
          );
        }
        this.length = start + T;
        const last = done + T === N;
        if (lastOnly && !last) continue;
        // only the rows we return go through the head
        const from = lastOnly ? T - 1 : 0;
        const x = sliceRows(a.x, from, T);
        const xf = sliceRows(a.xn, from, T);
        finalNorm(backend, c, xf, x, w);
        if (hidden) {
          result.set(xf.data, done * width);
        } else {
          const logits = sliceRows(a.logits, from, T);
          lmHead(backend, logits, xf, w); // [T, C] → [T, V]
          result.set(logits.data, lastOnly ? 0 : done * width);
        }
      }
    } catch (e) {
      this.reset(); // a failed step leaves the cache partly written: start over clean
      throw e;
    }
    return result;
  }

  private recordSlot(layer: number, T: number, S: number): Tensor | undefined {
    if (this.attentionRecord === undefined) return undefined;
    this.recordedShape = [T, S];
    const H = this.config.nHead;
    return { shape: [H, T, S], data: this.attentionRecord[layer].data.subarray(0, H * T * S) };
  }
}

/** Rows [from, to) of a 2-D tensor as a view. */
function sliceRows(t: Tensor, from: number, to: number): Tensor {
  const width = t.shape[1];
  return { shape: [to - from, width], data: t.data.subarray(from * width, to * width) };
}
