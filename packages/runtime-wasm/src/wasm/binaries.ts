// The compiled kernels (src/generated/kernels.ts, written by scripts/build-wasm.mjs from assembly/) and
// the feature probes that choose between them.

import { relaxedThreadsWasm, relaxedWasm, simdThreadsWasm, simdWasm } from '../generated/kernels';

/**
 * A linear kernel: out [T, N] columns [n0, n1) = x [T, K] · wᵀ + b (b = 0 for none), w in the kernel's
 * storage (f32 rows, f16 / bf16 rows, or packed panels).
 */
type LinearKernel = (
  out: number,
  x: number,
  w: number,
  b: number,
  T: number,
  K: number,
  N: number,
  n0: number,
  n1: number,
) => void;

/** The exports of the kernel module (assembly/index.ts). Pointers are byte offsets into linear memory. */
export interface KernelExports {
  heap_base(): number;
  peak_f32(iters: number): number;
  stream_read_f32(ptr: number, bytes: number): number;
  embedding_f16(out: number, table: number, ids: number, T: number, C: number): void;
  embedding_bf16(out: number, table: number, ids: number, T: number, C: number): void;
  linear_f16: LinearKernel;
  linear_bf16: LinearKernel;
  add_f32(out: number, a: number, b: number, n: number, period: number): void;
  mul_f32(out: number, a: number, b: number, n: number, period: number): void;
  scale_f32(out: number, x: number, n: number, s: number): void;
  map_f32(kind: number, out: number, x: number, y: number, n: number): void;
  softmax_f32(out: number, x: number, rows: number, C: number): void;
  layer_norm_f32(out: number, x: number, w: number, b: number, T: number, C: number, eps: number): void;
  rms_norm_f32(out: number, x: number, w: number, T: number, C: number, eps: number): void;
  rope_f32(
    out: number,
    x: number,
    cs: number,
    T: number,
    heads: number,
    D: number,
    R: number,
    inter: number,
  ): void;
  embedding_f32(out: number, table: number, ids: number, T: number, C: number): void;
  linear_f32: LinearKernel;
  pack4_f32(dst: number, src: number, R: number, K: number): void;
  pack4_inplace_f32(ptr: number, tmp: number, R: number, K: number): void;
  embedding_packed_f32(out: number, table: number, ids: number, T: number, C: number, V: number): void;
  linear_packed_f32: LinearKernel;
  matmul_f32(
    out: number,
    a: number,
    b: number,
    M: number,
    K: number,
    N: number,
    n0: number,
    n1: number,
  ): void;
  attention_f32(
    out: number,
    q: number,
    k: number,
    v: number,
    weights: number,
    scratch: number,
    T: number,
    S: number,
    H: number,
    Hkv: number,
    D: number,
    scale: number,
    causal: number,
    past: number,
    hb: number,
    h0: number,
    h1: number,
  ): void;
}

/** Which build of the kernels: SIMD128, or SIMD128 with relaxed-SIMD fused multiply-add. */
export type SimdLevel = 'simd128' | 'relaxed-simd';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): valid only where SIMD128 is
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** True when this engine runs WebAssembly SIMD128 (WebAssembly.validate on a tiny SIMD module). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(simdProbe);
  } catch {
    return false;
  }
}

const decoded = new Map<string, Uint8Array<ArrayBuffer>>();

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The kernel module bytes for a SIMD level, with shared (threads) or plain imported memory. */
export function kernelBytes(level: SimdLevel, shared: boolean): Uint8Array<ArrayBuffer> {
  const key = `${level}:${shared}`;
  let bytes = decoded.get(key);
  if (bytes === undefined) {
    const base64 =
      level === 'relaxed-simd'
        ? shared
          ? relaxedThreadsWasm
          : relaxedWasm
        : shared
          ? simdThreadsWasm
          : simdWasm;
    bytes = decodeBase64(base64);
    decoded.set(key, bytes);
  }
  return bytes;
}

/** True when the engine validates the relaxed-SIMD build of the kernels (so it may be used). */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(kernelBytes('relaxed-simd', false));
  } catch {
    return false;
  }
}
