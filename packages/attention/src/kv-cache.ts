// The KV cache: keys and values of every past position, per layer, so a new token attends to the past
// without recomputing it. Allocated once from the model's shape (no per-token allocation):
//   keys[l], values[l]: [maxT, Hkv, D]; rows 0..length(l)−1 are filled.
// Legend: L = layers, maxT = capacity in positions, Hkv = key/value heads, D = d_head, T = new positions.

import { type Backend, LlmfError, rows, type Tensor } from '@llmf/tensor';

/** Shape of a {@link KVCache}. */
export interface KVCacheOptions {
  nLayer: number;
  /** Capacity in positions (the context length). */
  maxTokens: number;
  nKvHead: number;
  dHead: number;
}

/** Views of the filled part of one layer's cache: keys and values [S, Hkv, D]. */
export interface KVView {
  keys: Tensor;
  values: Tensor;
}

/** Per-layer key/value storage [maxT, Hkv, D], preallocated with `backend.alloc(…, 'compute')`. */
export class KVCache {
  /** Capacity in positions. */
  readonly maxTokens: number;
  /** keys[l]: [maxT, Hkv, D] */
  readonly keys: readonly Tensor[];
  /** values[l]: [maxT, Hkv, D] */
  readonly values: readonly Tensor[];
  private readonly lengths: number[];
  private readonly rowSize: number; // Hkv·D

  constructor(backend: Backend, o: KVCacheOptions) {
    for (const key of ['nLayer', 'maxTokens', 'nKvHead', 'dHead'] as const) {
      if (!Number.isInteger(o[key]) || o[key] <= 0) {
        throw new LlmfError('INVALID_ARGUMENT', `KVCache: ${key} must be a positive integer, got ${o[key]}`);
      }
    }
    this.maxTokens = o.maxTokens;
    this.rowSize = o.nKvHead * o.dHead;
    const shape = [o.maxTokens, o.nKvHead, o.dHead];
    this.keys = Array.from({ length: o.nLayer }, () => backend.alloc(shape, 'compute'));
    this.values = Array.from({ length: o.nLayer }, () => backend.alloc(shape, 'compute'));
    this.lengths = new Array(o.nLayer).fill(0);
  }

  /** Positions filled in every layer. */
  get length(): number {
    return Math.min(...this.lengths);
  }

  /** Positions filled in layer `layer`. */
  lengthOf(layer: number): number {
    this.checkLayer(layer);
    return this.lengths[layer];
  }

  /** Throws 'CONTEXT_OVERFLOW' unless `count` more positions fit in every layer. Changes nothing. */
  checkCapacity(count: number): void {
    const used = Math.max(...this.lengths);
    if (used + count > this.maxTokens) {
      throw new LlmfError(
        'CONTEXT_OVERFLOW',
        `KV cache holds ${used} of ${this.maxTokens} positions; ${count} more would exceed the context limit of ${this.maxTokens} tokens. Shorten the input or reset() the cache`,
      );
    }
  }

  /**
   * Copy k, v [T, Hkv, D] (or [T, Hkv·D]) for the next T positions of `layer` and return views of
   * the layer's filled rows [S, Hkv, D] for attention. Validates before writing: on error nothing changes.
   */
  append(layer: number, k: Tensor, v: Tensor): KVView {
    this.checkLayer(layer);
    const T = k.shape[0] ?? 0;
    for (const [name, t] of [
      ['k', k],
      ['v', v],
    ] as const) {
      if (t.shape[0] !== T || t.data.length !== T * this.rowSize) {
        throw new LlmfError(
          'SHAPE_MISMATCH',
          `KVCache.append: ${name} [${t.shape.join(', ')}] must hold ${T} rows of ${this.rowSize} values (Hkv·D)`,
        );
      }
    }
    const start = this.lengths[layer];
    if (start + T > this.maxTokens) this.checkCapacity(T);
    this.keys[layer].data.set(k.data, start * this.rowSize); // rows [start, start + T) ← k
    this.values[layer].data.set(v.data, start * this.rowSize);
    this.lengths[layer] = start + T;
    return this.view(layer);
  }

  /** Views of the filled rows of `layer`: keys and values [S, Hkv, D] (shared memory, no copy). */
  view(layer: number): KVView {
    this.checkLayer(layer);
    const S = this.lengths[layer];
    return { keys: rows(this.keys[layer], 0, S), values: rows(this.values[layer], 0, S) };
  }

  /**
   * Keep only the first `n` positions of every layer (0 ≤ n ≤ length) in O(1): the lengths become n and
   * rows [n, maxT) are overwritten by later appends. Throws 'INVALID_ARGUMENT' (nothing changes) otherwise.
   */
  truncate(n: number): void {
    const length = this.length;
    if (!Number.isInteger(n) || n < 0 || n > length) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `KVCache.truncate: n must be an integer in 0..${length} (the positions filled in every layer), got ${n}`,
      );
    }
    this.lengths.fill(n);
  }

  /** Forget every position (the memory is kept for reuse). */
  reset(): void {
    this.lengths.fill(0);
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.lengths.length) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `KVCache: layer ${layer} does not exist; the cache has layers 0..${this.lengths.length - 1}`,
      );
    }
  }
}
