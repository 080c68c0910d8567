// Packed weights: a backend may re-lay a linear layer's weight w [N, K] once at load into the order its
// matrix kernel reads fastest (for example column panels contiguous along K, so the micro-kernel streams
// one sequential block per tile). The values are unchanged; only the layout is the backend's own, so a
// packed tensor is read by the backend that packed it (its linear, and its embedding for a tied table) and
// rejected everywhere else.

import type { Shape } from './tensor';

/**
 * A linear weight w [N, K] in a backend's private layout (`Backend.packLinear`). `shape` is the logical
 * [N, K]; `data` holds the values re-ordered (and possibly padded), so its length may exceed N·K.
 */
export interface PackedTensor {
  readonly shape: Shape;
  /** Names the layout and the backend that reads it, e.g. 'wasm-f32-panel4'. */
  readonly packing: string;
  readonly data: Float32Array;
}

/** True when `t` is a packed weight tensor (it has a string `packing`). */
export function isPackedTensor(t: unknown): t is PackedTensor {
  return typeof t === 'object' && t !== null && typeof (t as { packing?: unknown }).packing === 'string';
}
