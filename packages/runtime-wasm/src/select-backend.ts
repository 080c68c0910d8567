// Choosing the kernels a model runs on. 'js' is @llmf/tensor's reference backend (plain TypeScript, the spec
// every other backend is tested against); 'wasm' is this package's WebAssembly SIMD backend (src/wasm).

import { type Backend, createReferenceBackend, LlmfError } from '@llmf/tensor';
import { createWasmBackend, wasmSimdSupported } from './wasm/index';

/** Names accepted by `loadModel({ backend })`. */
export type BackendName = 'wasm' | 'js';

/** The backend used when none is named. */
export const defaultBackend: BackendName = 'wasm';

let warnedNoSimd = false;

/**
 * A fresh backend by name (default {@link defaultBackend}). `threads` (integer ≥ 1) is for backends that
 * run kernels on worker threads; the 'js' reference backend runs on the calling thread and ignores it.
 * 'wasm' falls back to 'js', with a one-time warning, where the engine has no WebAssembly SIMD.
 * Throws LlmfError 'INVALID_ARGUMENT' for an unknown name or a bad thread count.
 */
export async function selectBackend(name: BackendName | undefined, threads?: number): Promise<Backend> {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new LlmfError('INVALID_ARGUMENT', `threads is ${String(threads)}; use an integer ≥ 1`);
  }
  const chosen = name ?? defaultBackend;
  switch (chosen) {
    case 'js':
      return createReferenceBackend();
    case 'wasm':
      if (!wasmSimdSupported()) {
        if (!warnedNoSimd) {
          warnedNoSimd = true;
          console.warn(
            "@llmf/runtime-wasm: this engine has no WebAssembly SIMD; using the 'js' reference backend (slower)",
          );
        }
        return createReferenceBackend();
      }
      return createWasmBackend({ threads: threads ?? 1 });
    default:
      throw new LlmfError('INVALID_ARGUMENT', `backend "${String(chosen)}" is unknown; use 'wasm' or 'js'`);
  }
}
