/**
 * out_i = keep_i ? p_i / Σ_{j kept} p_j : 0. Sums in float64. The kept set must have a positive sum
 * (every caller keeps at least the most probable token).
 */
export function renormalize(probs: ArrayLike<number>, keep: (i: number) => boolean): Float32Array {
  const n = probs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) if (keep(i)) sum += probs[i];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) if (keep(i)) out[i] = probs[i] / sum;
  return out;
}
