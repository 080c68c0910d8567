// halfWeightConformance: property tests of half-precision weights (HalfTensor) in `linear` (w) and
// `embedding` (table) against the reference backend run on the same values widened to f32.
//   linear:    out [T, N] = x [T, K] · f32(w)ᵀ + bias, w [N, K] stored f16 or bf16 → linear's f32 tolerance
//   embedding: out [T, C] = f32(table[ids])                      → exact (every 16-bit pattern, ±∞ and NaN too)

import fc from 'fast-check';
import type { Backend } from '../backend';
import { createReferenceBackend } from '../backend/ref/index';
import { type HalfDtype, type HalfTensor, widenWeights } from '../half';
import type { Tensor } from '../tensor';
import { arbDim, arbIds, arbTensor } from './arbitraries';
import { assertClose, defaultTolerances, type Tolerance } from './compare';
import type { ConformanceCheck } from './conformance';

/** Options of halfWeightConformance. */
export interface HalfConformanceOptions {
  /** fast-check runs per check (default 30). */
  numRuns?: number;
  /** fast-check seed, to replay a failure. */
  seed?: number;
  /** Tolerance of linear with half weights (default: linear's f32 tolerance, as the widened values are exact). */
  linear?: Tolerance;
}

/** n 16-bit patterns from a seed (xorshift32). `finiteSmall`: values of magnitude < 4, subnormals included. */
function halfBits(n: number, seed: number, dtype: HalfDtype, finiteSmall: boolean): Uint16Array {
  const bits = new Uint16Array(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const r = s >>> 0;
    if (!finiteSmall) bits[i] = r & 0xffff;
    else if (dtype === 'f16') {
      // sign | exponent 0..16 (0 = subnormal) | 10 mantissa bits: |value| < 2² · 2
      bits[i] = (r & 0x8000) | (((r >>> 16) % 17) << 10) | (r & 0x3ff);
    } else {
      // sign | exponent 0 or 100..128 | 7 mantissa bits (bf16 subnormals and values below 4)
      const e = (r >>> 16) % 30;
      bits[i] = (r & 0x8000) | ((e === 0 ? 0 : 99 + e) << 7) | (r & 0x7f);
    }
  }
  return bits;
}

/** A half weight tensor in backend memory holding `bits`. */
function uploadHalf(be: Backend, bits: Uint16Array, shape: number[], dtype: HalfDtype): HalfTensor {
  if (be.allocHalf === undefined) {
    throw new Error(`backend "${be.name}" has no allocHalf: it does not keep half-precision weights`);
  }
  const w = be.allocHalf(shape, dtype);
  if (w.dtype !== dtype || w.shape.join() !== shape.join() || w.data.length !== bits.length) {
    throw new Error(
      `${be.name} allocHalf([${shape.join(', ')}], '${dtype}') returned dtype '${w.dtype}', shape [${w.shape.join(', ')}], ${w.data.length} values`,
    );
  }
  if (w.data.some((b) => b !== 0)) throw new Error(`${be.name} allocHalf did not return zeros`);
  w.data.set(bits);
  return w;
}

/**
 * Conformance checks of half-precision weights for a backend with `allocHalf`: linear with f16 / bf16 w
 * (random T, K, N, with and without bias; subnormal weights included) and embedding with f16 / bf16
 * tables (all 16-bit patterns: subnormals, ±0, ±∞, NaN), each against the reference on the widened values.
 * @example
 * for (const c of halfWeightConformance(() => createWasmBackend())) test(c.name, c.run);
 */
export function halfWeightConformance(
  makeBackend: () => Backend | Promise<Backend>,
  o: HalfConformanceOptions = {},
): ConformanceCheck[] {
  const params = { numRuns: o.numRuns ?? 30, seed: o.seed };
  const linearTol = o.linear ?? defaultTolerances.linear;
  const checks: ConformanceCheck[] = [];
  for (const dtype of ['f16', 'bf16'] as const) {
    checks.push({
      op: 'linear',
      name: `linear: x [T, K] · wᵀ with ${dtype} w [N, K] (+ bias) equals the reference on f32(w)`,
      async run() {
        const be = await makeBackend();
        const ref = createReferenceBackend();
        try {
          fc.assert(
            fc.property(
              fc
                .tuple(arbDim({ max: 33 }), arbDim(), arbDim(), fc.boolean(), fc.integer())
                .chain(([T, K, N, withBias, seed]) =>
                  fc.tuple(
                    arbTensor([T, K]),
                    fc.constant({ N, K, seed }),
                    withBias ? arbTensor([N]) : fc.constant(undefined),
                  ),
                ),
              ([x, { N, K, seed }, bias]) => {
                const bits = halfBits(N * K, seed, dtype, true);
                const w = uploadHalf(be, bits, [N, K], dtype);
                const out = be.alloc([x.shape[0], N], 'compute');
                const bx = be.upload(x, 'compute');
                const bb = bias === undefined ? undefined : be.upload(bias, 'weights');
                be.linear(out, bx, w, bb);
                const want = ref.alloc([x.shape[0], N], 'compute');
                ref.linear(want, x, widenWeights({ shape: [N, K], dtype, data: bits }), bias);
                const context = `x [${x.shape.join(', ')}], ${dtype} w [${N}, ${K}], bias ${bias !== undefined}`;
                assertClose(
                  `${be.name} linear (${dtype} w) vs js-ref`,
                  out.data,
                  want.data,
                  want.shape,
                  linearTol,
                  context,
                );
                if (w.data.some((b, i) => b !== bits[i]))
                  throw new Error(`${be.name} linear modified its ${dtype} weights; ${context}`);
              },
            ),
            params,
          );
        } finally {
          be.dispose();
        }
      },
    });
    checks.push({
      op: 'embedding',
      name: `embedding: ${dtype} table [V, C] rows widened exactly (subnormals, ±∞, NaN)`,
      async run() {
        const be = await makeBackend();
        const ref = createReferenceBackend();
        try {
          fc.assert(
            fc.property(
              fc
                .tuple(arbDim({ max: 70 }), arbDim(), fc.integer())
                .chain(([V, C, seed]) =>
                  fc.tuple(fc.constant({ V, C, seed }), arbIds(V, arbDim({ max: 33, large: false }))),
                ),
              ([{ V, C, seed }, ids]) => {
                const bits = halfBits(V * C, seed, dtype, false);
                const table = uploadHalf(be, bits, [V, C], dtype);
                const out = be.alloc([ids.length, C], 'compute');
                be.embedding(out, table, ids);
                const want: Tensor = ref.alloc([ids.length, C], 'compute');
                ref.embedding(want, widenWeights({ shape: [V, C], dtype, data: bits }), ids);
                const context = `${dtype} table [${V}, ${C}], ids [${ids.join(', ')}]`;
                assertClose(
                  `${be.name} embedding (${dtype} table) vs js-ref`,
                  out.data,
                  want.data,
                  want.shape,
                  { atol: 0, rtol: 0 },
                  context,
                );
              },
            ),
            params,
          );
        } finally {
          be.dispose();
        }
      },
    });
  }
  return checks;
}
