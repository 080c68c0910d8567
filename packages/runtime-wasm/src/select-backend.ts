// Choosing the kernels a model runs on. 'js' is @llmf/tensor's reference backend (plain TypeScript, the spec
// every other backend is tested against); 'wasm' is this package's WebAssembly SIMD backend.

import { type Backend, createReferenceBackend, LlmfError } from '@llmf/tensor';

/** Names accepted by `loadModel({ backend })`. */
export type BackendName = 'wasm' | 'js';

/** The backend used when none is named. */
export const defaultBackend: BackendName = 'js';

/**
 * A fresh backend by name (default {@link defaultBackend}). `threads` (integer ≥ 1) is for the 'wasm'
 * backend, which runs matmul / attention on worker threads where SharedArrayBuffer is available; the 'js'
 * reference backend runs on the calling thread and ignores it.
 * Throws LlmfError 'INVALID_ARGUMENT' for an unknown name or a bad thread count, and 'UNSUPPORTED' when
 * the named backend cannot run here.
 */
export async function selectBackend(name: BackendName | undefined, threads?: number): Promise<Backend> {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new LlmfError('INVALID_ARGUMENT', `threads is ${String(threads)}; use an integer ≥ 1`);
  }
  const chosen = name ?? defaultBackend;
  switch (chosen) {
    case 'js':
      return createReferenceBackend();
    case 'wasm': {
      // imported on use: the kernel binaries stay out of bundles that only run 'js'
      const { createWasmBackend } = await import('./wasm/index');
      return createWasmBackend({ threads }); // throws 'UNSUPPORTED' without WebAssembly SIMD128
    }
    default:
      throw new LlmfError('INVALID_ARGUMENT', `backend "${String(chosen)}" is unknown; use 'wasm' or 'js'`);
  }
}
