// Every WASM kernel equals the reference kernel (createReferenceBackend) within the tolerances below, on
// random shapes that include sizes which are not multiples of the SIMD width (4) or of the register tiles
// (4×2, 4×8, 1×16). Run for the plain SIMD128 build, the relaxed-SIMD build (if the engine has it) and two
// threads over shared memory; inputs both resident in WASM memory (upload) and foreign (plain Float32Array).
//
// Tolerances (|wasm − ref| ≤ atol + rtol·|ref|): the reference accumulates in f64, the kernels in f32 lanes.
//   matmul, linear, attention  atol 1e-5·K, rtol 1e-4   (K-term f32 dot products)
//   norms, softmax, rope        atol 1e-5,   rtol 1e-5
//   gelu, geluTanh, silu, swiglu atol 1e-6,  rtol 1e-5   (vector exp / erfc: ~2e-7 relative)
//   add, mul, scale, embedding  exact

import { fc, test } from '@fast-check/vitest';
import { type Backend, createReferenceBackend, LlmfError, type Tensor, tensor } from '@llmf/tensor';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../src/wasm/index';
import { mismatch, randomTensor } from './wasm-helpers';

const ref = createReferenceBackend();
const runs = { numRuns: 40 };

const variants: [string, Parameters<typeof createWasmBackend>[0]][] = [
  ['simd128', { simd: 'simd128' }],
  ['auto (relaxed SIMD where validated)', {}],
  ['2 threads', { threads: 2 }],
];

describe.each(variants)('wasm kernels, %s', (_label, options) => {
  let be: WasmBackend;
  beforeAll(async () => {
    be = await createWasmBackend(options);
  });
  afterAll(() => be.dispose());

  /** Resident copy of t (uploaded) or t itself (foreign: the backend copies it per call). */
  const place = (t: Tensor, resident: boolean): Tensor => (resident ? be.upload(t, 'compute') : t);
  /** Run `op` on both backends with fresh outputs of `shape`; compare. */
  function compare(
    shape: number[],
    resident: boolean,
    atol: number,
    rtol: number,
    op: (b: Backend, out: Tensor, place: (t: Tensor) => Tensor) => void,
  ): void {
    const expected = ref.alloc(shape, 'compute');
    op(ref, expected, (t) => t);
    const actual = resident
      ? be.alloc(shape, 'compute')
      : tensor(new Float32Array(expected.data.length), shape);
    op(be, actual, (t) => place(t, resident));
    expect(mismatch(actual.data, expected.data, atol, rtol)).toBeUndefined();
  }

  const dim = (max: number) => fc.integer({ min: 1, max });
  const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

  test.prop([dim(9), dim(40), dim(40), fc.boolean(), fc.boolean(), seed], runs)(
    'linear: x [T, K] · wᵀ + b',
    (T, K, N, withBias, resident, s) => {
      const x = randomTensor([T, K], s);
      const w = randomTensor([N, K], s + 1);
      const bias = withBias ? randomTensor([N], s + 2) : undefined;
      compare([T, N], resident, 1e-5 * K, 1e-4, (b, out, p) => b.linear(out, p(x), p(w), bias && p(bias)));
    },
  );

  test.prop([dim(9), dim(40), dim(40), fc.boolean(), seed], runs)(
    'matmul: a [M, K] · b [K, N]',
    (M, K, N, resident, s) => {
      const a = randomTensor([M, K], s);
      const bm = randomTensor([K, N], s + 1);
      compare([M, N], resident, 1e-5 * K, 1e-4, (b, out, p) => b.matmul(out, p(a), p(bm)));
    },
  );

  test.prop([dim(40), dim(120), dim(160), seed], { numRuns: 8 })(
    'linear and matmul with enough work to split over threads',
    (T, K, N, s) => {
      const x = randomTensor([T, K], s);
      const w = randomTensor([N, K], s + 1);
      const bias = randomTensor([N], s + 2);
      compare([T, N], true, 1e-5 * K, 1e-4, (b, out, p) => b.linear(out, p(x), p(w), p(bias)));
      const bm = randomTensor([K, N], s + 3);
      compare([T, N], true, 1e-5 * K, 1e-4, (b, out, p) => b.matmul(out, p(x), p(bm)));
    },
  );

  test.prop([dim(4), dim(4), dim(11), fc.boolean(), fc.boolean(), seed], runs)(
    'add and mul, same shape and row broadcast',
    (R, S, C, broadcast, resident, s) => {
      const a = randomTensor([R, S, C], s);
      const bt = broadcast ? randomTensor([C], s + 1) : randomTensor([R, S, C], s + 1);
      compare([R, S, C], resident, 0, 0, (b, out, p) => b.add(out, p(a), p(bt)));
      compare([R, S, C], resident, 0, 0, (b, out, p) => b.mul(out, p(a), p(bt)));
    },
  );

  test.prop([dim(5), dim(23), fc.float({ min: -4, max: 4, noNaN: true }), fc.boolean(), seed], runs)(
    'scale',
    (R, C, k, resident, s) => {
      const x = randomTensor([R, C], s);
      compare([R, C], resident, 0, 0, (b, out, p) => b.scale(out, p(x), Math.fround(k)));
    },
  );

  /** gelu, geluTanh, silu and swiglu of x [R, C] in [−8, 8) (up in [−2, 2)) against the reference; returns x. */
  function compareMaps(R: number, C: number, resident: boolean, s: number): Tensor {
    const x = randomTensor([R, C], s, 8);
    const up = randomTensor([R, C], s + 1, 2);
    compare([R, C], resident, 1e-6, 1e-5, (b, out, p) => b.gelu(out, p(x)));
    compare([R, C], resident, 1e-6, 1e-5, (b, out, p) => b.geluTanh(out, p(x)));
    compare([R, C], resident, 1e-6, 1e-5, (b, out, p) => b.silu(out, p(x)));
    compare([R, C], resident, 1e-6, 1e-5, (b, out, p) => b.swiglu(out, p(x), p(up)));
    return x;
  }

  test.prop([dim(5), dim(37), fc.boolean(), seed], runs)(
    'gelu, geluTanh, silu, swiglu on [−8, 8]',
    (R, C, resident, s) => {
      compareMaps(R, C, resident, s);
    },
  );

  test.prop([fc.integer({ min: 24, max: 40 }), fc.integer({ min: 350, max: 420 }), seed], { numRuns: 6 })(
    'gelu, geluTanh, silu, swiglu big enough to split over threads (≥ 8192 elements), in place too',
    (R, C, s) => {
      const x = compareMaps(R, C, true, s);
      const inPlace = be.upload(x, 'compute');
      const expected = ref.alloc([R, C], 'compute');
      ref.geluTanh(expected, x);
      be.geluTanh(inPlace, inPlace);
      expect(mismatch(inPlace.data, expected.data, 1e-6, 1e-5)).toBeUndefined();
    },
  );

  test.prop([dim(5), dim(37), fc.boolean(), fc.boolean(), seed], runs)(
    'softmax, with masked (−∞) entries and fully masked rows',
    (R, C, mask, resident, s) => {
      const x = randomTensor([R, C], s, 10);
      if (mask) for (let i = 0; i < x.data.length; i += 3) x.data[i] = Number.NEGATIVE_INFINITY;
      if (mask && C === 1) x.data.fill(Number.NEGATIVE_INFINITY);
      compare([R, C], resident, 1e-6, 1e-5, (b, out, p) => b.softmax(out, p(x)));
    },
  );

  test.prop([dim(5), dim(50), fc.boolean(), fc.boolean(), seed], runs)(
    'layerNorm (with and without bias) and rmsNorm',
    (T, C, withBias, resident, s) => {
      const x = randomTensor([T, C], s, 3);
      const w = randomTensor([C], s + 1);
      const bias = withBias ? randomTensor([C], s + 2) : undefined;
      compare([T, C], resident, 1e-5, 1e-5, (b, out, p) =>
        b.layerNorm(out, p(x), p(w), bias && p(bias), 1e-5),
      );
      compare([T, C], resident, 1e-5, 1e-5, (b, out, p) => b.rmsNorm(out, p(x), p(w), 1e-6));
    },
  );

  test.prop(
    [
      dim(5),
      dim(3),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.boolean(),
      fc.boolean(),
      seed,
    ],
    runs,
  )('rope, half and interleaved, partial rotary dims', (T, heads, halfD, start, interleaved, resident, s) => {
    const D = 2 * halfD + (s % 2); // odd D passes its last dimension through
    const R = 2 * (1 + (s % halfD));
    const x = randomTensor([T, heads, D], s);
    const o = {
      start,
      theta: 10000,
      style: interleaved ? ('interleaved' as const) : ('half' as const),
      rotaryDim: R,
    };
    compare([T, heads, D], resident, 1e-5, 1e-5, (b, out, p) => b.rope(out, p(x), o));
  });

  test.prop([dim(30), dim(19), fc.array(fc.nat(), { minLength: 1, maxLength: 9 }), fc.boolean(), seed], runs)(
    'embedding gathers rows',
    (V, C, picks, resident, s) => {
      const table = randomTensor([V, C], s);
      const ids = picks.map((i) => i % V);
      compare([ids.length, C], resident, 0, 0, (b, out, p) => b.embedding(out, p(table), ids));
    },
  );

  test.prop(
    [
      dim(6),
      fc.integer({ min: 0, max: 9 }),
      fc.constantFrom(1, 2, 4),
      fc.constantFrom(1, 2, 3),
      dim(19),
      fc.boolean(),
      fc.boolean(),
      seed,
    ],
    runs,
  )('attention over a KV cache: causal, GQA, weights', (T, pastLen, Hkv, group, D, causal, resident, s) => {
    const H = Hkv * group;
    const S = pastLen + T;
    const q = randomTensor([T, H, D], s, 2);
    const k = randomTensor([S, Hkv, D], s + 1, 2);
    const v = randomTensor([S, Hkv, D], s + 2);
    const scale = 1 / Math.sqrt(D);
    const weightsRef = ref.alloc([H, T, S], 'compute');
    const weightsWasm = resident
      ? be.alloc([H, T, S], 'compute')
      : tensor(new Float32Array(H * T * S), [H, T, S]);
    compare([T, H, D], resident, 1e-5 * S, 1e-4, (b, out, p) =>
      b.attention(out, p(q), p(k), p(v), {
        scale,
        causal,
        past: pastLen,
        weights: b === ref ? weightsRef : weightsWasm,
      }),
    );
    expect(mismatch(weightsWasm.data, weightsRef.data, 1e-6, 1e-5)).toBeUndefined();
  });

  test.prop([dim(40), fc.integer({ min: 0, max: 60 }), fc.boolean(), seed], { numRuns: 8 })(
    'attention with enough heads and keys to split over threads (by query rows, or by heads for one row)',
    (T, pastLen, causal, s) => {
      const [H, Hkv, D] = [8, 2, 32];
      const S = pastLen + T;
      const q = randomTensor([T, H, D], s);
      const k = randomTensor([S, Hkv, D], s + 1);
      const v = randomTensor([S, Hkv, D], s + 2);
      compare([T, H, D], true, 1e-5 * S, 1e-4, (b, out, p) =>
        b.attention(out, p(q), p(k), p(v), { scale: 0.125, causal }),
      );
    },
  );

  test('attention over more keys than the fixed scratch holds for all heads: heads go in blocks', () => {
    // S = 40000 keys: 160 000 bytes per score row, so 512 KiB of scratch holds 3 heads (1 per thread on 2)
    const [T, H, Hkv, D, S] = [2, 5, 1, 8, 40000];
    const q = randomTensor([T, H, D], 11, 2);
    const k = randomTensor([S, Hkv, D], 12, 2);
    const v = randomTensor([S, Hkv, D], 13);
    const weightsRef = ref.alloc([H, T, S], 'compute');
    const weightsWasm = be.alloc([H, T, S], 'compute');
    compare([T, H, D], true, 1e-5 * S, 1e-4, (b, out, p) =>
      b.attention(out, p(q), p(k), p(v), {
        scale: 0.3,
        causal: true,
        weights: b === ref ? weightsRef : weightsWasm,
      }),
    );
    expect(mismatch(weightsWasm.data, weightsRef.data, 1e-6, 1e-5)).toBeUndefined();
  });

  test('elementwise ops work in place (out === x)', () => {
    const x = randomTensor([3, 13], 7, 4);
    const expected = ref.alloc([3, 13], 'compute');
    ref.gelu(expected, x);
    const resident = be.upload(x, 'compute');
    be.gelu(resident, resident);
    expect(mismatch(resident.data, expected.data, 1e-6, 1e-5)).toBeUndefined();
    const foreign = tensor(x.data.slice(), [3, 13]);
    be.softmax(foreign, foreign);
    ref.softmax(expected, x);
    expect(mismatch(foreign.data, expected.data, 1e-6, 1e-5)).toBeUndefined();
  });

  test('wrong shapes fail with LlmfError before touching memory', () => {
    const out = be.alloc([2, 3], 'compute');
    const error = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const e1 = error(() =>
      be.linear(out, tensor(new Float32Array(8), [2, 4]), tensor(new Float32Array(15), [3, 5])),
    );
    expect(LlmfError.isInstance(e1) && e1.code).toBe('SHAPE_MISMATCH');
    const e2 = error(() => be.embedding(out, tensor(new Float32Array(6), [2, 3]), [0, 2]));
    expect(LlmfError.isInstance(e2) && e2.code).toBe('INVALID_ARGUMENT');
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const e3 = error(() => be.matmul(out, out, out));
    expect(LlmfError.isInstance(e3)).toBe(true);
  });
});
