// Central finite differences, the reference every backward pass is checked against:
//   D(h) = (f(x + h·e_i) − f(x − h·e_i)) / 2h = ∂f/∂x_i + f‴·h²/6 + O(h⁴)
// and, with `extrapolate`, Richardson's (4·D(h/2) − D(h)) / 3 = ∂f/∂x_i + O(h⁴): the h² term cancels, so a
// sharply curved f (|f‴| in the thousands, as random weights of a deep model can give) does not need an h
// so small that f32 rounding of f dominates instead.
// f runs in f32 (the kernels' precision) and is summed in f64, so the tolerances are those of f32.

/** Largest violation of |analytic − numeric| ≤ atol + rtol·|numeric| over x's elements (≤ 0 means all pass). */
export function gradientError(
  f: () => number,
  x: Float32Array,
  analytic: Float32Array,
  o: { h?: number; atol?: number; rtol?: number; indices?: number[]; extrapolate?: boolean } = {},
): { worst: number; at: number; analytic: number; numeric: number } {
  const h = o.h ?? 1e-2;
  const atol = o.atol ?? 1e-3;
  const rtol = o.rtol ?? 2e-2;
  let worst = Number.NEGATIVE_INFINITY;
  let report = { worst, at: -1, analytic: 0, numeric: 0 };
  const indices = o.indices ?? Array.from({ length: x.length }, (_, i) => i);
  for (const i of indices) {
    const saved = x[i];
    const central = (step: number) => {
      x[i] = saved + step;
      const up = f();
      x[i] = saved - step;
      const down = f();
      x[i] = saved;
      return (up - down) / (2 * step);
    };
    const numeric = o.extrapolate ? (4 * central(h / 2) - central(h)) / 3 : central(h);
    const excess = Math.abs(analytic[i] - numeric) - (atol + rtol * Math.abs(numeric));
    if (excess > worst) {
      worst = excess;
      report = { worst, at: i, analytic: analytic[i], numeric };
    }
  }
  return report;
}

/** Σ out ⊙ r in f64: a scalar whose gradient with respect to out is r. */
export function dotWith(out: Float32Array, r: Float32Array, n = r.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += out[i] * r[i];
  return s;
}
