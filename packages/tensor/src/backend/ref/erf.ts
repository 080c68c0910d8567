// erf and erfc in f64, accurate to ~1e-15 (far below f32's 6e-8), for the exact-GELU reference.
// Two classic expansions, each used where it converges fast and without cancellation:
//   |x| < 3:  erf(x)  = (2/√π)·e^(−x²)·Σ_{n≥0} 2ⁿ·x^(2n+1) / (1·3·5···(2n+1))   (all terms one sign)
//   x  ≥ 3:  erfc(x) = (e^(−x²)/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))   (Laplace's continued fraction)
// subtle: for large negative GELU inputs Φ(x) = erfc(−x/√2)/2 is tiny; computing it as 1 + erf(x/√2) would
// lose all its digits, so gelu calls erfc directly.

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1/√π

/** erf(x) by the series above; |x| < 3 keeps it under ~60 terms. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 3 by the continued fraction, evaluated from the tail (depth 60 is exact to f64 there). */
function erfcContinuedFraction(x: number): number {
  let tail = x;
  for (let k = 60; k >= 1; k--) tail = x + k / 2 / tail;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / tail;
}

/** The error function erf(x) = (2/√π)∫₀ˣ e^(−t²) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 3) return 1 - erfcContinuedFraction(x);
  if (x <= -3) return erfcContinuedFraction(-x) - 1;
  return erfSeries(x);
}

/** The complementary error function erfc(x) = 1 − erf(x), with full relative accuracy for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 3) return erfcContinuedFraction(x);
  if (x <= -3) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}
