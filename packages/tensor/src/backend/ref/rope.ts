// Reference rotary position embedding (RoPE). Legend: T = tokens, heads = heads, D = d_head,
// R = rotaryDim (the leading R dims of each head rotate; D − R pass through).
// Row t sits at position p = start + t; pair i (0 ≤ i < R/2) turns by the angle p·θ_i, θ_i = theta^(−2i/R):
//   (a, b) → (a·cos − b·sin, b·cos + a·sin)
// 'half' pairs a = x[i], b = x[i + R/2] (HF Llama rotate_half); 'interleaved' pairs a = x[2i], b = x[2i+1].

import type { RopeOptions } from '../../backend';
import { LlmfError } from '../../errors';
import type { Tensor } from '../../tensor';
import { checkNumber, checkShape, checkTensor } from './check';

/** Rotary position embedding of x [T, heads, D] into out (same shape; out may be x). */
export function rope(out: Tensor, x: Tensor, o: RopeOptions): void {
  checkTensor('rope', 'x', x, 3);
  checkShape('rope', 'out', out, x.shape);
  if (o === null || typeof o !== 'object')
    throw new LlmfError('INVALID_ARGUMENT', 'rope: options { start, theta, style } are required');
  const [T, heads, D] = x.shape as [number, number, number];
  const R = o.rotaryDim ?? D;
  checkNumber('rope', 'start', o.start);
  checkNumber('rope', 'theta', o.theta);
  if (!Number.isInteger(o.start) || o.start < 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `rope: start must be a non-negative integer position, got ${o.start}`,
    );
  }
  if (!(o.theta > 0)) throw new LlmfError('INVALID_ARGUMENT', `rope: theta must be positive, got ${o.theta}`);
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
  const half = R / 2;
  const X = x.data;
  const O = out.data;
  for (let t = 0; t < T; t++) {
    const position = o.start + t;
    for (let h = 0; h < heads; h++) {
      const base = (t * heads + h) * D;
      for (let i = 0; i < half; i++) {
        const angle = position * o.theta ** ((-2 * i) / R); // f64
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        const ia = o.style === 'half' ? base + i : base + 2 * i;
        const ib = o.style === 'half' ? base + i + half : base + 2 * i + 1;
        const a = X[ia];
        const b = X[ib];
        O[ia] = a * cos - b * sin;
        O[ib] = b * cos + a * sin;
      }
      for (let i = R; i < D; i++) O[base + i] = X[base + i];
    }
  }
}
