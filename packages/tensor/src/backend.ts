// The kernel layer. Model code never loops over numbers itself: it calls a Backend. @llmf/tensor ships
// the reference kernels (plain TypeScript, written for clarity: the spec); @llmf/runtime-wasm implements
// the same interface with WebAssembly SIMD and is property-tested against the reference.
//
// Conventions (every op):
// - `out` comes first and is written, never read (unless documented as in-place capable).
// - Shapes are row-major, outermost first. Legend: T = tokens in this call, S = keys (past + new),
//   C = d_model (channels), H = query heads, Hkv = key/value heads, D = d_head, F = d_ff, V = vocab.
// - Inputs are never mutated. Elementwise ops allow out === input (in place).
// - Tensors must have been allocated by this backend (`alloc`) or be plain Float32Array tensors; a
//   backend may copy foreign tensors in on each call (slow path) but must give the same result.

import type { HalfDtype, HalfTensor, WeightTensor } from './half';
import type { PackedTensor } from './packed';
import type { Shape, Tensor } from './tensor';

/** The closed set of ops a backend may implement. */
export type Op =
  | 'matmul'
  | 'linear'
  | 'add'
  | 'mul'
  | 'scale'
  | 'softmax'
  | 'layerNorm'
  | 'rmsNorm'
  | 'gelu'
  | 'geluTanh'
  | 'silu'
  | 'swiglu'
  | 'embedding'
  | 'rope'
  | 'attention';

/** Every op of the Backend interface, in contract order (for `supports` loops and conformance suites). */
export const ops: readonly Op[] = [
  'matmul',
  'linear',
  'add',
  'mul',
  'scale',
  'softmax',
  'layerNorm',
  'rmsNorm',
  'gelu',
  'geluTanh',
  'silu',
  'swiglu',
  'embedding',
  'rope',
  'attention',
];

/**
 * The ops a model repeats on the same tensors at every decode step (norms, linears, residual adds,
 * activations): the ones `Backend.prepare` binds once. In contract order.
 */
export const preparableOps = [
  'linear',
  'add',
  'mul',
  'layerNorm',
  'rmsNorm',
  'gelu',
  'geluTanh',
  'silu',
  'swiglu',
] as const satisfies readonly Op[];

/** One of {@link preparableOps}. */
export type PreparableOp = (typeof preparableOps)[number];

/** How RoPE pairs dimensions: 'half' rotates (x[i], x[i + D/2]) as HF Llama; 'interleaved' rotates (x[2i], x[2i+1]) as the original paper and GGUF. */
export type RopeStyle = 'half' | 'interleaved';

/** Options of `Backend.rope`. */
export interface RopeOptions {
  /** Position of the first row; row t gets position `start + t`. */
  start: number;
  /** Base of the frequencies θ_i = base^(−2i/rotaryDim); 10000 in Llama 2. */
  theta: number;
  style: RopeStyle;
  /** Leading dimensions of each head that are rotated (default D; even, ≤ D); the rest pass through. */
  rotaryDim?: number;
}

/** Options of `Backend.attention`. */
export interface AttentionOptions {
  /** Multiplies Q·Kᵀ; usually 1/√D. */
  scale: number;
  /** Query row t sits at position `past + t` and may only see keys 0..past+t. */
  causal: boolean;
  /** Number of keys before the first query (the KV-cache length before this call); default S − T. Causal only; 0 ≤ past ≤ S − T. */
  past?: number;
  /** If given, receives the attention weights, shape [H, T, S]. */
  weights?: Tensor;
}

/**
 * The kernel contract (specification v1). Implementations: `createReferenceBackend()` in this package (the
 * spec) and the WASM SIMD backend of @llmf/runtime-wasm; `backendConformance` in @llmf/tensor/testing checks
 * any implementation against the reference. Invalid shapes and arguments throw an LlmfError.
 */
export interface Backend {
  readonly specificationVersion: 'v1';
  /** 'js-ref' | 'wasm-simd' | ... */
  readonly name: string;
  supports(op: Op): boolean;

  /** A zeroed tensor whose memory this backend owns. 'weights' are loaded once; 'compute' are scratch. */
  alloc(shape: Shape, usage: 'weights' | 'compute'): Tensor;
  /** Copy a host tensor into backend memory (for weights: once, at load). */
  upload(t: Tensor, usage: 'weights' | 'compute'): Tensor;
  /**
   * A zeroed half-precision weight tensor in this backend's memory (fill its `data` with 16-bit patterns).
   * Present only on backends whose `linear` (w) and `embedding` (table) read half weights; model code asks
   * (`backend.allocHalf !== undefined`) before keeping weights half.
   */
  allocHalf?(shape: Shape, dtype: HalfDtype): HalfTensor;
  /**
   * Re-lay a filled f32 linear weight w [N, K] (from this backend's `alloc(…, 'weights')`) in the layout this
   * backend's `linear` reads fastest, once at load. The result replaces w (do not use w afterwards); this
   * backend's `linear` (w) and `embedding` (table: a tied embedding / LM head) accept it, other backends
   * refuse it. Optional.
   */
  packLinear?(w: Tensor): PackedTensor;
  /** Release everything this backend allocated. Tensors from it must not be used afterwards. */
  dispose(): void;
  /**
   * Check and bind `op`'s arguments once; the returned function runs the op again on the same tensors,
   * whose contents may change between runs (their shapes and memory may not). A model calls it for the
   * ops of a decode step, so each token skips the checks. Throws as the op would for bad arguments.
   * Optional: use `prepareOp`, which falls back to calling the op.
   */
  prepare?<K extends PreparableOp>(op: K, ...args: Parameters<Backend[K]>): () => void;

  /** out [M, N] = a [M, K] · b [K, N] */
  matmul(out: Tensor, a: Tensor, b: Tensor): void;
  /**
   * out [T, N] = x [T, K] · wᵀ + bias, with w [N, K] (PyTorch nn.Linear layout) and bias [N].
   * w may be a HalfTensor on backends with `allocHalf`: its values are widened to f32, sums stay f32;
   * or this backend's own PackedTensor on backends with `packLinear`.
   */
  linear(out: Tensor, x: Tensor, w: WeightTensor, bias?: Tensor): void;
  /** out = a + b; b has a's shape or is broadcast as a row over a's last dimension. */
  add(out: Tensor, a: Tensor, b: Tensor): void;
  /** out = a ⊙ b; same broadcasting as add. */
  mul(out: Tensor, a: Tensor, b: Tensor): void;
  /** out = x · s */
  scale(out: Tensor, x: Tensor, s: number): void;
  /** Row-wise softmax over the last dimension: out_i = e^(x_i − max) / Σ_j e^(x_j − max). A row of all −∞ gives zeros. */
  softmax(out: Tensor, x: Tensor): void;
  /** out [T, C] = (x − mean) / √(var + eps) · weight + bias, over the last dimension (biased variance). */
  layerNorm(out: Tensor, x: Tensor, weight: Tensor, bias: Tensor | undefined, eps: number): void;
  /** out [T, C] = x / √(mean(x²) + eps) · weight */
  rmsNorm(out: Tensor, x: Tensor, weight: Tensor, eps: number): void;
  /** GELU, erf form: x · Φ(x) = 0.5·x·(1 + erf(x/√2)) */
  gelu(out: Tensor, x: Tensor): void;
  /** GELU, tanh form (GPT-2 "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
  geluTanh(out: Tensor, x: Tensor): void;
  /** SiLU: x · σ(x) */
  silu(out: Tensor, x: Tensor): void;
  /** SwiGLU gate: out [T, F] = silu(gate) ⊙ up */
  swiglu(out: Tensor, gate: Tensor, up: Tensor): void;
  /** out [T, C] = table[ids[t]] for table [V, C] (f32, a HalfTensor widened exactly, or this backend's PackedTensor). Ids are checked: 0 ≤ id < V (an LlmfError before anything is written). */
  embedding(out: Tensor, table: WeightTensor, ids: ArrayLike<number>): void;
  /** Rotary position embedding of x [T, heads, D] into out (same shape; out === x allowed). */
  rope(out: Tensor, x: Tensor, o: RopeOptions): void;
  /**
   * Scaled dot-product attention with grouped-query heads.
   * q [T, H, D], k [S, Hkv, D], v [S, Hkv, D] → out [T, H, D]; query head h reads kv head ⌊h·Hkv/H⌋
   * (H must be a multiple of Hkv).
   * weights_h = softmax(q_h·k_hᵀ·scale + mask), out_h = weights_h · v_h.
   */
  attention(out: Tensor, q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): void;
}

/**
 * `backend.prepare(op, ...args)` where the backend has it, else a function that calls the op with the same
 * arguments (checked on every run).
 * @example
 * const step = prepareOp(backend, 'add', x, x, sub); // x = x + sub
 * step(); // after each write of sub
 */
export function prepareOp<K extends PreparableOp>(
  backend: Backend,
  op: K,
  ...args: Parameters<Backend[K]>
): () => void {
  if (backend.prepare !== undefined) return backend.prepare(op, ...args);
  const run = backend[op] as (...a: Parameters<Backend[K]>) => void;
  return () => run.apply(backend, args);
}
