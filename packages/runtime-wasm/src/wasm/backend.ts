// The WebAssembly SIMD backend: every Backend op runs an AssemblyScript kernel (assembly/) over tensors
// that live in one WebAssembly linear memory. Weights are uploaded once; compute tensors are allocated up
// front by the model; a call passes byte offsets to the kernel and allocates nothing in the common case.
// Tensors that are not in this memory (plain Float32Array) are copied into per-call scratch (slow path,
// same result). matmul, linear and attention split their output columns / heads over worker threads.
// Legend: T = tokens, S = keys, C = d_model, H / Hkv = query / key-value heads, D = d_head, V = vocab.

import {
  type AttentionOptions,
  type Backend,
  type HalfDtype,
  type HalfTensor,
  isHalfTensor,
  isPackedTensor,
  LlmfError,
  type Op,
  ops,
  type PackedTensor,
  type PreparableOp,
  type RopeOptions,
  type Shape,
  sizeOf,
  type Tensor,
  type WeightTensor,
} from '@llmf/tensor';
import { createMemory, FIXED_SCRATCH, WasmArena } from './arena';
import {
  type KernelExports,
  kernelBytes,
  relaxedSimdSupported,
  type SimdLevel,
  wasmSimdSupported,
} from './binaries';
import {
  broadcastPeriod,
  checkNoOverlap,
  checkNumber,
  checkShape,
  checkTensor,
  checkUsage,
  checkWeight,
  fmt,
  lastDim,
  shapeError,
} from './check';
import { PACKING, packedAt, packedRowBlock } from './packed-linear';
import { ThreadPool, threadsUnavailableReason } from './threads';
import {
  OP_ATTENTION,
  OP_ATTENTION_ROWS,
  OP_LINEAR,
  OP_LINEAR_BF16,
  OP_LINEAR_F16,
  OP_LINEAR_PACKED,
  OP_MAP,
  OP_MATMUL,
} from './worker-source';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /** Threads running matmul / linear / attention (default 1). Needs SharedArrayBuffer and Atomics.wait. */
  threads?: number;
  /** Bytes of linear memory to create up front (default 16 MiB; it grows on demand up to 4 GiB). */
  memoryBytes?: number;
  /** Kernel build: 'auto' (default) uses relaxed SIMD (fused multiply-add) where the engine validates it. */
  simd?: 'auto' | SimdLevel;
}

/** The WASM SIMD backend: a Backend plus its memory controls. */
export interface WasmBackend extends Backend {
  /** Threads actually running kernels (1 when threads were asked for but cannot run here). */
  readonly threads: number;
  /** Re-lays a resident f32 linear weight w [N, K] into 4-column panels contiguous along K ('wasm-f32-panel4'). */
  packLinear(w: Tensor): PackedTensor;
  /** An op's checks and pointers done once; the returned function runs its kernel (Backend.prepare). */
  prepare<K extends PreparableOp>(op: K, ...args: Parameters<Backend[K]>): () => void;
  /** The kernel build in use. */
  readonly simd: SimdLevel;
  /** The linear memory holding every tensor of this backend. */
  readonly memory: WebAssembly.Memory;
  /** A zeroed f16 / bf16 weight tensor in this memory (linear's w, embedding's table widen it in SIMD). */
  allocHalf(shape: Shape, dtype: HalfDtype): HalfTensor;
  /** Bytes of tensors allocated so far. */
  readonly bytesInUse: number;
  /**
   * Grow the memory now for `bytes` more of tensors (a model's total from its config), so loading never
   * grows it later. Throws LlmfError 'OUT_OF_MEMORY' before anything is loaded when it cannot fit in 4 GiB.
   */
  reserve(bytes: number): void;
}

/** Below this many multiply-adds a matmul runs on the calling thread only (waking workers costs more). */
const PARALLEL_MACS = 1 << 17;
/** The kinds of map_f32 (assembly/elementwise.ts), and what one element costs in multiply-adds (an exp). */
const MAP_GELU = 0;
const MAP_GELU_TANH = 1;
const MAP_SILU = 2;
const MAP_SWIGLU = 3;
type MapKind = typeof MAP_GELU | typeof MAP_GELU_TANH | typeof MAP_SILU | typeof MAP_SWIGLU;
const MAP_COST = 16;
const DEFAULT_MEMORY = 16 * 2 ** 20;

let warnedNoThreads = false;

/** bind's finish() when every tensor is resident: no outputs to copy back. */
function nothingToCopy(): void {}

function warnOnce(message: string): void {
  if (warnedNoThreads) return;
  warnedNoThreads = true;
  console.warn(message);
}

/** Chunks per participant of a job on the pool: enough that a slower core takes fewer of them. */
const CHUNKS_PER_THREAD = 4;

/** Items per chunk when `parts` participants share `total` items: a multiple of `align`, at least `align`. */
function chunkSize(total: number, parts: number, align: number): number {
  return Math.max(1, Math.ceil(total / (parts * CHUNKS_PER_THREAD) / align)) * align;
}

/**
 * Create the WebAssembly SIMD backend ('wasm-simd'). Kernels: AssemblyScript, SIMD128 (relaxed-SIMD FMA
 * where the engine supports it); tensors in WebAssembly linear memory; `threads > 1` runs the big ops on
 * worker_threads (Node) or Web Workers (browsers, inside a worker) over shared memory, and falls back to one
 * thread, with a one-time warning, where SharedArrayBuffer or Atomics.wait are missing.
 * @example
 * const be = await createWasmBackend({ threads: 2 });
 * const x = be.upload(tensor([[1, 2]]), 'compute');
 * const out = be.alloc([1, 2], 'compute');
 * be.matmul(out, x, be.upload(tensor([[1, 0], [0, 1]]), 'weights')); // out.data = [1, 2]
 * be.dispose();
 */
export async function createWasmBackend(o: WasmBackendOptions = {}): Promise<WasmBackend> {
  if (!wasmSimdSupported()) {
    throw new LlmfError(
      'UNSUPPORTED',
      "wasm backend: this JavaScript engine has no WebAssembly SIMD128; use backend 'js' (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4 have it)",
    );
  }
  const requested = o.threads ?? 1;
  if (!Number.isInteger(requested) || requested < 1 || requested > 64) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `wasm backend: threads must be an integer from 1 to 64, got ${requested}`,
    );
  }
  const memoryBytes = o.memoryBytes ?? DEFAULT_MEMORY;
  if (!Number.isFinite(memoryBytes) || memoryBytes < 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `wasm backend: memoryBytes must be a byte count ≥ 0, got ${memoryBytes}`,
    );
  }
  const simdOption = o.simd ?? 'auto';
  if (simdOption !== 'auto' && simdOption !== 'simd128' && simdOption !== 'relaxed-simd') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `wasm backend: simd must be 'auto', 'simd128' or 'relaxed-simd', got ${String(simdOption)}`,
    );
  }
  const relaxedOk = relaxedSimdSupported();
  if (simdOption === 'relaxed-simd' && !relaxedOk) {
    throw new LlmfError(
      'UNSUPPORTED',
      "wasm backend: this engine does not support relaxed SIMD; use simd: 'auto'",
    );
  }
  const simd: SimdLevel = simdOption === 'auto' ? (relaxedOk ? 'relaxed-simd' : 'simd128') : simdOption;

  let threads = requested;
  if (threads > 1) {
    const reason = threadsUnavailableReason();
    if (reason !== undefined) {
      warnOnce(`@llmf/runtime-wasm: running on 1 thread instead of ${threads}: ${reason}`);
      threads = 1;
    }
  }
  const shared = threads > 1;
  const { memory, maxPages } = createMemory(memoryBytes, shared);
  const module = await WebAssembly.compile(kernelBytes(simd, shared));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  const arena = new WasmArena(memory, kernels.heap_base(), shared, maxPages);
  const pool = shared ? await ThreadPool.create(module, memory, threads) : undefined;
  return makeBackend(kernels, arena, pool, simd);
}

function makeBackend(
  k: KernelExports,
  arena: WasmArena,
  pool: ThreadPool | undefined,
  simd: SimdLevel,
): WasmBackend {
  let disposed = false;

  /**
   * Pointers for the inputs and outputs of one call. Tensors in this memory pass their byte offset; others
   * are copied into scratch (inputs now, outputs back in finish()). `extraBytes` of scratch follow, at `extra`.
   */
  function bind(
    op: string,
    inputs: readonly (WeightTensor | undefined)[],
    outputs: readonly (Tensor | undefined)[],
    extraBytes = 0,
  ): { ptrs: number[]; extra: number; finish(): void } {
    if (disposed)
      throw new LlmfError('INVALID_ARGUMENT', `${op}: the wasm backend was disposed; create a new one`);
    const count = inputs.length + outputs.length;
    const ptrs: number[] = new Array(count);
    let foreignCount = 0;
    // pass 1: byte offsets of resident tensors (read before any grow can detach their views)
    for (let i = 0; i < count; i++) {
      const t = i < inputs.length ? inputs[i] : outputs[i - inputs.length];
      if (t === undefined) ptrs[i] = 0;
      else {
        const data = t.data;
        if (arena.owns(data)) ptrs[i] = data.byteOffset;
        else {
          ptrs[i] = -1;
          foreignCount++;
        }
      }
    }
    if (foreignCount === 0) {
      // the fast path: everything resident, small extras in the fixed scratch region (no grow, no copy)
      if (extraBytes === 0) return { ptrs, extra: 0, finish: nothingToCopy };
      if (extraBytes <= FIXED_SCRATCH) return { ptrs, extra: arena.fixedScratch, finish: nothingToCopy };
    }
    const all = [...inputs, ...outputs];
    const foreign: number[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      if (ptrs[i] !== -1) continue;
      foreign.push(i);
      ptrs[i] = offset; // relative to scratch for now
      offset += Math.ceil(all[i]!.data.byteLength / 64) * 64;
    }
    const base = arena.scratch(offset + extraBytes);
    const heap = arena.heapF32();
    for (const i of foreign) {
      ptrs[i] += base;
      if (i >= inputs.length) continue;
      const data = all[i]!.data;
      if (data instanceof Float32Array) heap.set(data, ptrs[i] >>> 2);
      else new Uint16Array(heap.buffer, ptrs[i], data.length).set(data); // a half weight tensor's bits
    }
    return {
      ptrs,
      extra: base + offset,
      finish() {
        const h = arena.heapF32();
        for (const i of foreign) {
          if (i < inputs.length) continue;
          const data = (all[i] as Tensor).data;
          data.set(h.subarray(ptrs[i] >>> 2, (ptrs[i] >>> 2) + data.length));
        }
      },
    };
  }

  /** Run a job split by columns or heads (chunks of multiples of `align`) on the pool when it is worth it, else on this thread. */
  function runSplit(
    opCode: number,
    args: number[],
    total: number,
    align: number,
    work: number,
    local: (r0: number, r1: number) => void,
  ): void {
    if (pool === undefined || work < PARALLEL_MACS || total <= align) {
      local(0, total);
      return;
    }
    pool.run(opCode, args, total, chunkSize(total, pool.size, align), local);
  }

  /** Throws once the backend is disposed (a prepared op outliving it). */
  function live(op: string): void {
    if (disposed)
      throw new LlmfError('INVALID_ARGUMENT', `${op}: the wasm backend was disposed; create a new one`);
  }

  // The planners: an op's checks and pointers, and a function that runs its kernel with them. An op call
  // is its planner's function run once; `prepare` hands the function out to be run at every step.

  /** out = map(x) (or swiglu(x, y)) elementwise: kind as in map_f32; big maps split over threads by elements. */
  function planElementwise(op: string, kind: MapKind, out: Tensor, x: Tensor, y?: Tensor): () => void {
    checkTensor(op, y === undefined ? 'x' : 'gate', x);
    if (y !== undefined) checkShape(op, 'up', y, x.shape);
    checkShape(op, 'out', out, x.shape);
    const n = x.data.length;
    if (n === 0) return nothingToCopy;
    const b = bind(op, y === undefined ? [x] : [x, y], [out]);
    const px = b.ptrs[0];
    const py = y === undefined ? 0 : b.ptrs[1];
    const po = b.ptrs[y === undefined ? 1 : 2];
    const args = [kind, po, px, py];
    const local = (i0: number, i1: number) => k.map_f32(kind, po + 4 * i0, px + 4 * i0, py + 4 * i0, i1 - i0);
    return () => {
      live(op);
      runSplit(OP_MAP, args, n, 8, n * MAP_COST, local);
      b.finish();
    };
  }

  function planBinary(op: 'add' | 'mul', out: Tensor, a: Tensor, bt: Tensor): () => void {
    const period = broadcastPeriod(op, a, bt);
    checkShape(op, 'out', out, a.shape);
    const n = a.data.length;
    if (n === 0) return nothingToCopy;
    const b = bind(op, [a, bt], [out]);
    const [pa, pb, po] = b.ptrs;
    const kernel = op === 'add' ? k.add_f32 : k.mul_f32;
    return () => {
      live(op);
      kernel(po, pa, pb, n, period);
      b.finish();
    };
  }

  /** Throws unless `t` is a PackedTensor made by this backend's packLinear. */
  function checkPacked(op: string, name: string, t: PackedTensor): void {
    const [N, K] = t.shape;
    if (t.packing !== PACKING || !arena.owns(t.data) || t.data.length !== N * K) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `${op}: ${name} is packed ('${t.packing}') but not by this backend's packLinear; pass the tensor it returned`,
      );
    }
  }

  /**
   * The packed kernels of linear (arguments already checked): the 4 × 8 register-tile GEMM over blocks of
   * packed x rows (T > 1), or the 8-panel GEMV (T = 1).
   */
  function planLinearPacked(out: Tensor, x: Tensor, w: PackedTensor, bias: Tensor | undefined): () => void {
    const [T, K] = x.shape;
    const N = w.shape[0];
    const b = bind('linear', [x, w, bias], [out]);
    const [px, pw, pbias, po] = b.ptrs;
    const columns = (p: number, xp: number, rows: number) =>
      // columns split over threads in multiples of 8 (two panels, one register tile)
      runSplit(OP_LINEAR_PACKED, [p, xp, pw, pbias, rows, K, N], N, 8, rows * K * N, (n0, n1) =>
        k.linear_packed_f32(p, xp, pw, pbias, rows, K, N, n0, n1),
      );
    const block = packedRowBlock(K);
    if (T === 1) {
      // decode: the x row read as it is, the job's arguments made once
      const args = [po, px, pw, pbias, 1, K, N];
      const local = (n0: number, n1: number) => k.linear_packed_f32(po, px, pw, pbias, 1, K, N, n0, n1);
      return () => {
        live('linear');
        runSplit(OP_LINEAR_PACKED, args, N, 8, K * N, local);
        b.finish();
      };
    }
    return () => {
      live('linear');
      if (block === 0) {
        // rows too long for the scratch go one at a time, read as they are
        for (let t = 0; t < T; t++) columns(po + t * N * 4, px + t * K * 4, 1);
      } else {
        // blocks of rows: x [rows, K] → [⌈rows/4⌉][K][4] in the fixed scratch (no allocation, no grow)
        const xp = arena.fixedScratch;
        for (let t = 0; t < T; t += block) {
          const rows = Math.min(block, T - t);
          if (rows === 1) {
            columns(po + t * N * 4, px + t * K * 4, 1); // a last single row: the GEMV reads it as it is
            continue;
          }
          k.pack4_f32(xp, px + t * K * 4, rows, K);
          columns(po + t * N * 4, xp, rows);
        }
      }
      b.finish();
    };
  }

  function planLinear(out: Tensor, x: Tensor, w: WeightTensor, bias?: Tensor): () => void {
    checkTensor('linear', 'x', x, 2);
    const packed = isPackedTensor(w);
    if (packed) checkPacked('linear', 'w', w);
    else checkWeight('linear', 'w', w, 2);
    const [T, K] = x.shape;
    const [N, K2] = w.shape;
    if (K !== K2) {
      shapeError(
        'linear',
        `x ${fmt(x.shape)} · wᵀ with ${packed ? 'packed ' : ''}w ${fmt(w.shape)}: x's columns (${K}) must equal w's columns (${K2}); w is [out, in]`,
      );
    }
    if (bias !== undefined) checkShape('linear', 'bias', bias, [N]);
    checkShape('linear', 'out', out, [T, N]);
    checkNoOverlap('linear', 'out', out, 'x', x);
    checkNoOverlap('linear', 'out', out, 'w', w);
    if (bias !== undefined) checkNoOverlap('linear', 'out', out, 'bias', bias);
    if (T * N === 0) return nothingToCopy;
    if (packed) return planLinearPacked(out, x, w, bias);
    const b = bind('linear', [x, w, bias], [out]);
    const [px, pw, pbias, po] = b.ptrs;
    // [T, K] · [N, K]ᵀ + [N] → [T, N], rows of w split over threads in multiples of 8; a half w is
    // widened to f32 in the kernel, 8 values at a time
    const half = isHalfTensor(w) ? w.dtype : undefined;
    const kernel = half === 'f16' ? k.linear_f16 : half === 'bf16' ? k.linear_bf16 : k.linear_f32;
    const opCode = half === 'f16' ? OP_LINEAR_F16 : half === 'bf16' ? OP_LINEAR_BF16 : OP_LINEAR;
    const args = [po, px, pw, pbias, T, K, N];
    const local = (n0: number, n1: number) => kernel(po, px, pw, pbias, T, K, N, n0, n1);
    return () => {
      live('linear');
      runSplit(opCode, args, N, 8, T * K * N, local);
      b.finish();
    };
  }

  function planLayerNorm(
    out: Tensor,
    x: Tensor,
    weight: Tensor,
    bias: Tensor | undefined,
    eps: number,
  ): () => void {
    const C = lastDim('layerNorm', x);
    checkShape('layerNorm', 'weight', weight, [C]);
    if (bias !== undefined) checkShape('layerNorm', 'bias', bias, [C]);
    checkNumber('layerNorm', 'eps', eps);
    checkShape('layerNorm', 'out', out, x.shape);
    if (C === 0 || x.data.length === 0) return nothingToCopy;
    const b = bind('layerNorm', [x, weight, bias], [out]);
    const [px, pw, pb, po] = b.ptrs;
    const rowCount = x.data.length / C;
    return () => {
      live('layerNorm');
      k.layer_norm_f32(po, px, pw, pb, rowCount, C, eps);
      b.finish();
    };
  }

  function planRmsNorm(out: Tensor, x: Tensor, weight: Tensor, eps: number): () => void {
    const C = lastDim('rmsNorm', x);
    checkShape('rmsNorm', 'weight', weight, [C]);
    checkNumber('rmsNorm', 'eps', eps);
    checkShape('rmsNorm', 'out', out, x.shape);
    if (C === 0 || x.data.length === 0) return nothingToCopy;
    const b = bind('rmsNorm', [x, weight], [out]);
    const [px, pw, po] = b.ptrs;
    const rowCount = x.data.length / C;
    return () => {
      live('rmsNorm');
      k.rms_norm_f32(po, px, pw, rowCount, C, eps);
      b.finish();
    };
  }

  const planners: { [K in PreparableOp]: (...args: Parameters<Backend[K]>) => () => void } = {
    linear: planLinear,
    add: (out, a, b) => planBinary('add', out, a, b),
    mul: (out, a, b) => planBinary('mul', out, a, b),
    layerNorm: planLayerNorm,
    rmsNorm: planRmsNorm,
    gelu: (out, x) => planElementwise('gelu', MAP_GELU, out, x),
    geluTanh: (out, x) => planElementwise('geluTanh', MAP_GELU_TANH, out, x),
    silu: (out, x) => planElementwise('silu', MAP_SILU, out, x),
    swiglu: (out, gate, up) => planElementwise('swiglu', MAP_SWIGLU, out, gate, up),
  };

  const backend: WasmBackend = {
    specificationVersion: 'v1',
    name: 'wasm-simd',
    threads: pool?.size ?? 1,
    simd,
    memory: arena.memory,
    get bytesInUse() {
      return arena.used;
    },
    supports: (op: Op) => ops.includes(op),

    reserve(bytes: number): void {
      arena.reserve(bytes);
    },

    alloc(shape: Shape, usage: 'weights' | 'compute'): Tensor {
      checkUsage('alloc', usage);
      checkShapeList('alloc', shape);
      if (disposed)
        throw new LlmfError('INVALID_ARGUMENT', 'alloc: the wasm backend was disposed; create a new one');
      return arena.tensorAt(shape, arena.allocate(sizeOf(shape) * 4));
    },

    upload(t: Tensor, usage: 'weights' | 'compute'): Tensor {
      checkUsage('upload', usage);
      checkTensor('upload', 't', t);
      if (disposed)
        throw new LlmfError('INVALID_ARGUMENT', 'upload: the wasm backend was disposed; create a new one');
      const src = t.data;
      const n = src.length;
      // subtle: allocating may grow (and detach) the memory t lives in; note its offset first
      const resident = arena.owns(src) ? src.byteOffset : -1;
      const ptr = arena.allocate(n * 4);
      const heap = arena.heapF32();
      if (resident >= 0) heap.copyWithin(ptr >>> 2, resident >>> 2, (resident >>> 2) + n);
      else heap.set(src, ptr >>> 2);
      return arena.tensorAt(t.shape, ptr);
    },

    allocHalf(shape: Shape, dtype: HalfDtype): HalfTensor {
      checkShapeList('allocHalf', shape);
      if (dtype !== 'f16' && dtype !== 'bf16') {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `allocHalf: dtype must be 'f16' or 'bf16', got ${String(dtype)}`,
        );
      }
      if (disposed)
        throw new LlmfError('INVALID_ARGUMENT', 'allocHalf: the wasm backend was disposed; create a new one');
      // 2 bytes a value, rounded up to whole f32 words (allocate zeroes whole words)
      return arena.halfAt(shape, arena.allocate(Math.ceil(sizeOf(shape) / 2) * 4), dtype);
    },

    dispose(): void {
      if (disposed) return;
      disposed = true;
      pool?.dispose();
      arena.reset();
    },

    matmul(out: Tensor, a: Tensor, bt: Tensor): void {
      checkTensor('matmul', 'a', a, 2);
      checkTensor('matmul', 'b', bt, 2);
      const [M, K] = a.shape;
      const [K2, N] = bt.shape;
      if (K !== K2) {
        shapeError(
          'matmul',
          `a ${fmt(a.shape)} · b ${fmt(bt.shape)}: a's columns (${K}) must equal b's rows (${K2})`,
        );
      }
      checkShape('matmul', 'out', out, [M, N]);
      checkNoOverlap('matmul', 'out', out, 'a', a);
      checkNoOverlap('matmul', 'out', out, 'b', bt);
      if (M * N === 0) return;
      const b = bind('matmul', [a, bt], [out]);
      const [pa, pb, po] = b.ptrs;
      // [M, K] · [K, N] → [M, N], columns split over threads in multiples of 16 (the widest tile)
      runSplit(OP_MATMUL, [po, pa, pb, M, K, N], N, 16, M * K * N, (n0, n1) =>
        k.matmul_f32(po, pa, pb, M, K, N, n0, n1),
      );
      b.finish();
    },

    packLinear(w: Tensor): PackedTensor {
      checkTensor('packLinear', 'w', w, 2);
      if (disposed)
        throw new LlmfError(
          'INVALID_ARGUMENT',
          'packLinear: the wasm backend was disposed; create a new one',
        );
      if (!arena.owns(w.data)) {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          "packLinear: w must live in this backend's memory (alloc(shape, 'weights') or upload(t, 'weights'))",
        );
      }
      const [N, K] = w.shape;
      // in place, one 4-row panel (16·K bytes) at a time through scratch; the N % 4 tail rows stay plain
      const panelBytes = 16 * K;
      const tmp = panelBytes <= FIXED_SCRATCH ? arena.fixedScratch : arena.scratch(panelBytes);
      k.pack4_inplace_f32(w.data.byteOffset, tmp, N, K);
      return packedAt(arena.memory, w.shape, w.data.byteOffset, N * K);
    },

    prepare<K extends PreparableOp>(op: K, ...args: Parameters<Backend[K]>): () => void {
      const planner = planners[op] as ((...a: Parameters<Backend[K]>) => () => void) | undefined;
      if (planner === undefined) {
        throw new LlmfError('INVALID_ARGUMENT', `prepare: '${String(op)}' is not an op that prepare binds`);
      }
      const run = planner(...args); // the op's checks, now
      // a plain Float32Array argument is copied in (and out) on every call: the op does that
      const resident = args.every(
        (a) => typeof a !== 'object' || a === null || !ArrayBuffer.isView(a.data) || arena.owns(a.data),
      );
      if (resident) return run;
      const call = backend[op] as (...a: Parameters<Backend[K]>) => void;
      return () => call.apply(backend, args);
    },

    linear: (out, x, w, bias) => planners.linear(out, x, w, bias)(),
    add: (out, a, b) => planners.add(out, a, b)(),
    mul: (out, a, b) => planners.mul(out, a, b)(),

    scale(out: Tensor, x: Tensor, s: number): void {
      checkTensor('scale', 'x', x);
      checkNumber('scale', 's', s);
      checkShape('scale', 'out', out, x.shape);
      const n = x.data.length;
      if (n === 0) return;
      const b = bind('scale', [x], [out]);
      k.scale_f32(b.ptrs[1], b.ptrs[0], n, s);
      b.finish();
    },

    softmax(out: Tensor, x: Tensor): void {
      checkTensor('softmax', 'x', x);
      checkShape('softmax', 'out', out, x.shape);
      const C = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
      if (C === 0 || x.data.length === 0) return;
      const b = bind('softmax', [x], [out]);
      k.softmax_f32(b.ptrs[1], b.ptrs[0], x.data.length / C, C);
      b.finish();
    },

    layerNorm: (out, x, weight, bias, eps) => planners.layerNorm(out, x, weight, bias, eps)(),
    rmsNorm: (out, x, weight, eps) => planners.rmsNorm(out, x, weight, eps)(),

    gelu: (out, x) => planners.gelu(out, x)(),
    geluTanh: (out, x) => planners.geluTanh(out, x)(),
    silu: (out, x) => planners.silu(out, x)(),
    swiglu: (out, gate, up) => planners.swiglu(out, gate, up)(),

    embedding(out: Tensor, table: WeightTensor, ids: ArrayLike<number>): void {
      const packed = isPackedTensor(table);
      if (packed) checkPacked('embedding', 'table', table);
      else checkWeight('embedding', 'table', table, 2);
      const [V, C] = table.shape;
      if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
        throw new LlmfError('INVALID_ARGUMENT', 'embedding: ids must be an array of token ids');
      }
      const T = ids.length;
      checkShape('embedding', 'out', out, [T, C]);
      checkNoOverlap('embedding', 'out', out, 'table', table);
      // check every id before writing anything, so a bad id leaves out untouched
      for (let t = 0; t < T; t++) {
        const id = ids[t];
        if (!Number.isInteger(id) || id < 0 || id >= V) {
          throw new LlmfError(
            'INVALID_ARGUMENT',
            `embedding: token id ${id} at position ${t} is outside the table's vocabulary [0, ${V}); ` +
              'was the text encoded with a tokenizer for another model?',
          );
        }
      }
      if (T * C === 0) return;
      const b = bind('embedding', [table], [out], T * 4);
      const idsAt = arena.heapI32();
      for (let t = 0; t < T; t++) idsAt[(b.extra >>> 2) + t] = ids[t];
      const half = isHalfTensor(table) ? table.dtype : undefined;
      const gather = packed
        ? k.embedding_packed_f32
        : half === 'f16'
          ? k.embedding_f16
          : half === 'bf16'
            ? k.embedding_bf16
            : k.embedding_f32;
      gather(b.ptrs[1], b.ptrs[0], b.extra, T, C, V);
      b.finish();
    },

    rope(out: Tensor, x: Tensor, o: RopeOptions): void {
      checkTensor('rope', 'x', x, 3);
      checkShape('rope', 'out', out, x.shape);
      if (o === null || typeof o !== 'object') {
        throw new LlmfError('INVALID_ARGUMENT', 'rope: options { start, theta, style } are required');
      }
      const [T, heads, D] = x.shape;
      const R = o.rotaryDim ?? D;
      checkNumber('rope', 'start', o.start);
      checkNumber('rope', 'theta', o.theta);
      if (!Number.isInteger(o.start) || o.start < 0) {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `rope: start must be a non-negative integer position, got ${o.start}`,
        );
      }
      if (!(o.theta > 0))
        throw new LlmfError('INVALID_ARGUMENT', `rope: theta must be positive, got ${o.theta}`);
      if (o.style !== 'half' && o.style !== 'interleaved') {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `rope: style must be 'half' or 'interleaved', got ${String(o.style)}`,
        );
      }
      if (!Number.isInteger(R) || R < 0 || R > D || R % 2 !== 0) {
        throw new LlmfError(
          'SHAPE_MISMATCH',
          `rope: rotaryDim ${R} must be an even integer between 0 and d_head ${D}`,
        );
      }
      if (T * heads * D === 0) return;
      const half = R / 2;
      const b = bind('rope', [x], [out], T * half * 8);
      // (cos, sin) of p·θ_i for p = start + t, θ_i = theta^(−2i/R), in f64 once per call: [T, R/2, 2]
      const table = arena.heapF32();
      const at = b.extra >>> 2;
      for (let i = 0; i < half; i++) {
        const inv = o.theta ** ((-2 * i) / R);
        for (let t = 0; t < T; t++) {
          const angle = (o.start + t) * inv;
          table[at + (t * half + i) * 2] = Math.cos(angle);
          table[at + (t * half + i) * 2 + 1] = Math.sin(angle);
        }
      }
      k.rope_f32(b.ptrs[1], b.ptrs[0], b.extra, T, heads, D, R, o.style === 'interleaved' ? 1 : 0);
      b.finish();
    },

    attention(out: Tensor, q: Tensor, kt: Tensor, v: Tensor, o: AttentionOptions): void {
      checkTensor('attention', 'q', q, 3);
      checkTensor('attention', 'k', kt, 3);
      const [T, H, D] = q.shape;
      const [S, Hkv, Dk] = kt.shape;
      if (Dk !== D)
        shapeError('attention', `q ${fmt(q.shape)} and k ${fmt(kt.shape)} must have the same head size D`);
      if (Hkv === 0 ? H !== 0 : H % Hkv !== 0) {
        shapeError(
          'attention',
          `q has ${H} heads and k has ${Hkv}; query heads must be a multiple of key/value heads (GQA)`,
        );
      }
      checkShape('attention', 'v', v, [S, Hkv, D]);
      checkShape('attention', 'out', out, [T, H, D]);
      if (o === null || typeof o !== 'object') {
        throw new LlmfError('INVALID_ARGUMENT', 'attention: options { scale, causal } are required');
      }
      checkNumber('attention', 'scale', o.scale);
      const past = o.past ?? S - T;
      if (o.causal && (!Number.isInteger(past) || past < 0 || past + T > S)) {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `attention: past = ${past} with ${T} queries and ${S} keys; need 0 ≤ past ≤ S − T (past defaults to S − T)`,
        );
      }
      const weights = o.weights;
      if (weights !== undefined) {
        checkShape('attention', 'weights', weights, [H, T, S]);
        checkNoOverlap('attention', 'weights', weights, 'out', out);
      }
      for (const [name, t] of [
        ['q', q],
        ['k', kt],
        ['v', v],
      ] as const) {
        checkNoOverlap('attention', 'out', out, name, t);
        if (weights !== undefined) checkNoOverlap('attention', 'weights', weights, name, t);
      }
      if (T * H * D === 0) {
        if (weights !== undefined) weights.data.fill(0);
        return;
      }
      const participants = pool?.size ?? 1;
      const rowBytes = Math.ceil((S * 4) / 64) * 64 || 64; // one scores row
      // heads per block: as many score rows per participant as the fixed scratch holds (at least 1)
      const hb = Math.max(1, Math.min(H, Math.floor(FIXED_SCRATCH / (participants * rowBytes))));
      const b = bind('attention', [q, kt, v], [out, weights], rowBytes * hb * participants);
      const [pq, pk, pv, po, pw] = b.ptrs;
      const causal = o.causal ? 1 : 0;
      const args = [po, pq, pk, pv, pw, b.extra, T, S, H, Hkv, D, o.scale, causal, past, hb, rowBytes * hb];
      if (T > 1 && weights === undefined) {
        // prefill: chunks of query rows [t0, t1) with every head (rows t0.. are queries at past + t0..; the
        // causal rows grow longer with t, and claiming chunks evens that out)
        const row = 4 * H * D;
        runSplit(OP_ATTENTION_ROWS, args, T, 1, T * S * D * H, (t0, t1) =>
          k.attention_f32(
            po + t0 * row,
            pq + t0 * row,
            pk,
            pv,
            0,
            b.extra,
            t1 - t0,
            S,
            H,
            Hkv,
            D,
            o.scale,
            causal,
            past + t0,
            hb,
            0,
            H,
          ),
        );
      } else {
        // decode (and recorded weights [H, T, S]): chunks of ⌈H / 2·threads⌉ heads, few enough that each
        // reads long runs of every key row
        runSplit(OP_ATTENTION, args, H, Math.ceil(H / (2 * participants)), T * S * D * H, (h0, h1) =>
          k.attention_f32(po, pq, pk, pv, pw, b.extra, T, S, H, Hkv, D, o.scale, causal, past, hb, h0, h1),
        );
      }
      b.finish();
    },
  };
  return backend;
}

function checkShapeList(op: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: shape ${fmt(shape ?? [])} must hold non-negative integers`,
    );
  }
}
