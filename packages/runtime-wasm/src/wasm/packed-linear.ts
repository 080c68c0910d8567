// Packed linear weights of the wasm backend (assembly/packed.ts): w [N, K] regrouped once at load, in
// place, into panels of 4 output columns contiguous along K ([⌊N/4⌋][K][4], the N % 4 tail rows left plain
// after them: the same N·K values, so no new memory); per call, blocks of x rows regrouped the same way
// into the fixed scratch. The GEMM's 4 × 8 register tile then reads both as sequential streams.

import type { PackedTensor, Shape } from '@llmf/tensor';
import { FIXED_SCRATCH } from './arena';

/** The `packing` name of this backend's layout. */
export const PACKING = 'wasm-f32-panel4';

/** A PackedTensor over [ptr, ptr + 4·floats) of `memory` whose data view follows the memory across grows. */
export function packedAt(
  memory: WebAssembly.Memory,
  shape: Shape,
  ptr: number,
  floats: number,
): PackedTensor {
  const frozen = Object.freeze([...shape]);
  let view = new Float32Array(memory.buffer, ptr, floats);
  return {
    shape: frozen,
    packing: PACKING,
    get data(): Float32Array {
      if (view.length !== floats) view = new Float32Array(memory.buffer, ptr, floats); // detached by a grow
      return view;
    },
  };
}

/** Most rows of x packed per block (64 rows of K = 768: 192 KiB, an L2-sized block). */
const MAX_ROW_BLOCK = 64;

/**
 * Rows of x [T, K] packed per block so that the block fits the fixed scratch: a multiple of 4, at most
 * MAX_ROW_BLOCK; 0 when not even 4 rows fit (then the GEMM is not run on packed x).
 */
export function packedRowBlock(K: number): number {
  const fit = Math.floor(FIXED_SCRATCH / (16 * K)) * 4;
  return Math.min(MAX_ROW_BLOCK, fit);
}
