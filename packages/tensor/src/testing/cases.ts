// The conformance cases: for every op, fast-check arbitraries of inputs (shapes, values, options) and
// how to call the op. Each case is run on the backend under test and on the reference backend.
// Legend: T = tokens, S = keys, H = query heads, Hkv = kv heads, D = d_head, C = channels, V = vocab.

import fc from 'fast-check';
import type { AttentionOptions, Backend, Op, RopeOptions } from '../backend';
import { rows, type Shape, type Tensor } from '../tensor';
import { arbDim, arbIds, arbShape, arbTensor } from './arbitraries';

/** One generated test case of an op. */
export interface Case {
  /** Host inputs, uploaded to the backend with the given usage. */
  readonly inputs: readonly { name: string; tensor: Tensor; usage: 'weights' | 'compute' }[];
  /** Outputs the backend allocates ('out' is the input named by inPlace when set). */
  readonly outputs: readonly { name: string; shape: Shape }[];
  /** Input that is also the output (out === input), for ops that allow in-place use. */
  readonly inPlace?: string;
  /** Runs the op with `t` holding the backend's tensors, by input and output name. */
  call(be: Backend, t: Record<string, Tensor>): void;
  /** Options and scalars, for failure messages. */
  readonly options?: Record<string, unknown>;
}

/** A named family of cases of one op. */
export interface CaseFamily {
  readonly op: Op;
  readonly name: string;
  readonly cases: fc.Arbitrary<Case>;
}

const input = (name: string, tensor: Tensor, usage: 'weights' | 'compute' = 'compute') => ({
  name,
  tensor,
  usage,
});

/** add / mul: b of a's shape or one row over a's last dimension; optionally in place (out === a). */
function binary(op: 'add' | 'mul'): CaseFamily {
  return {
    op,
    name: 'random shapes, full and row-broadcast b, in place',
    cases: fc
      .tuple(arbShape([1, 3], { max: 70 }), fc.boolean(), fc.boolean())
      .chain(([shape, row, inPlace]) =>
        fc.tuple(arbTensor(shape), arbTensor(row ? [shape[shape.length - 1]] : shape), fc.constant(inPlace)),
      )
      .map(([a, b, inPlace]) => ({
        inputs: [input('a', a), input('b', b, 'weights')],
        outputs: [{ name: 'out', shape: a.shape }],
        inPlace: inPlace ? 'a' : undefined,
        call: (be, t) => be[op](t.out, t.a, t.b),
      })),
  };
}

/** gelu / geluTanh / silu over x in [−8, 8]; optionally in place. */
function unary(op: 'gelu' | 'geluTanh' | 'silu'): CaseFamily {
  return {
    op,
    name: 'random shapes, values in [−8, 8], in place',
    cases: fc.tuple(arbTensor(arbShape([1, 3]), { range: 8 }), fc.boolean()).map(([x, inPlace]) => ({
      inputs: [input('x', x)],
      outputs: [{ name: 'out', shape: x.shape }],
      inPlace: inPlace ? 'x' : undefined,
      call: (be, t) => be[op](t.out, t.x),
    })),
  };
}

/** softmax over rows of x with the given value generator. */
function softmaxFamily(name: string, xs: fc.Arbitrary<Tensor>): CaseFamily {
  return {
    op: 'softmax',
    name,
    cases: xs.map((x) => ({
      inputs: [input('x', x)],
      outputs: [{ name: 'out', shape: x.shape }],
      call: (be, t) => be.softmax(t.out, t.x),
    })),
  };
}

/** Sets about a quarter of the entries to −∞ and, for some rows, all of them. */
const withMaskedEntries = (x: Tensor, seed: number): Tensor => {
  const data = x.data.slice();
  const C = x.shape[x.shape.length - 1];
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const row = Math.floor(i / C);
    if (s % 4 === 0 || (row % 3 === 1 && (seed & 1) === 1)) data[i] = Number.NEGATIVE_INFINITY;
  }
  return { shape: x.shape, data };
};

/**
 * Sets the first two entries of every row to offset ± spread, so no row of width ≥ 2 is nearly constant.
 * subtle: a row whose spread is tiny next to its mean is ill-conditioned in f32 (x − mean loses the digits
 * an f64 reference keeps: error ≈ |mean|·2⁻²⁴/√(var + eps)); that is a property of f32, not a kernel bug.
 */
const withRowSpread = (x: Tensor, offset: number, spread: number): Tensor => {
  const data = x.data.slice();
  const C = x.shape[x.shape.length - 1];
  if (C >= 2) {
    for (let r = 0; r < data.length / C; r++) {
      data[r * C] = offset + spread;
      data[r * C + 1] = offset - spread;
    }
  }
  return { shape: x.shape, data };
};

const arbRopeCase = fc
  .record({
    T: arbDim({ max: 17, large: false }),
    heads: fc.integer({ min: 1, max: 5 }),
    halfD: arbDim({ max: 35, large: false }),
    start: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 256 })),
    theta: fc.constantFrom(10000, 500000, 100),
    style: fc.constantFrom<'half' | 'interleaved'>('half', 'interleaved'),
    partial: fc.boolean(),
    inPlace: fc.boolean(),
  })
  .chain((r) =>
    fc.tuple(
      fc.constant(r),
      arbTensor([r.T, r.heads, 2 * r.halfD]),
      fc.integer({ min: 0, max: r.halfD }).map((h) => 2 * h),
    ),
  );

const arbAttentionCase = fc
  .record({
    T: arbDim({ max: 17, large: false }),
    extra: fc.oneof(fc.constant(0), arbDim({ max: 40, large: false })),
    Hkv: fc.integer({ min: 1, max: 3 }),
    group: fc.integer({ min: 1, max: 3 }),
    D: arbDim({ max: 70 }),
    causal: fc.boolean(),
    explicitPast: fc.boolean(),
    withWeights: fc.boolean(),
    scale: fc.oneof(fc.constant(undefined), fc.double({ min: 0.01, max: 2, noNaN: true })),
  })
  .chain((r) =>
    fc.tuple(
      fc.constant(r),
      arbTensor([r.T, r.Hkv * r.group, r.D]),
      arbTensor([r.T + r.extra, r.Hkv, r.D]),
      arbTensor([r.T + r.extra, r.Hkv, r.D]),
      fc.integer({ min: 0, max: r.extra }),
    ),
  );

/** Every op's case families (at least one per op). */
export function caseFamilies(): CaseFamily[] {
  return [
    {
      op: 'matmul',
      name: 'random [M, K] · [K, N]',
      cases: fc
        .tuple(arbDim({ max: 33 }), arbDim(), arbDim())
        .chain(([M, K, N]) => fc.tuple(arbTensor([M, K]), arbTensor([K, N])))
        .map(([a, b]) => ({
          inputs: [input('a', a), input('b', b, 'weights')],
          outputs: [{ name: 'out', shape: [a.shape[0], b.shape[1]] }],
          call: (be, t) => be.matmul(t.out, t.a, t.b),
        })),
    },
    {
      op: 'linear',
      name: 'random x [T, K] · wᵀ [N, K] + bias',
      cases: fc
        .tuple(arbDim({ max: 33 }), arbDim(), arbDim(), fc.boolean())
        .chain(([T, K, N, withBias]) =>
          fc.tuple(arbTensor([T, K]), arbTensor([N, K]), withBias ? arbTensor([N]) : fc.constant(undefined)),
        )
        .map(([x, w, bias]) => ({
          inputs: [
            input('x', x),
            input('w', w, 'weights'),
            ...(bias ? [input('bias', bias, 'weights')] : []),
          ],
          outputs: [{ name: 'out', shape: [x.shape[0], w.shape[0]] }],
          call: (be, t) => be.linear(t.out, t.x, t.w, t.bias),
          options: { bias: bias !== undefined },
        })),
    },
    binary('add'),
    binary('mul'),
    {
      op: 'scale',
      name: 'random shapes and factors, in place',
      cases: fc
        .tuple(arbTensor(arbShape([1, 3])), fc.double({ min: -4, max: 4, noNaN: true }), fc.boolean())
        .map(([x, s, inPlace]) => ({
          inputs: [input('x', x)],
          outputs: [{ name: 'out', shape: x.shape }],
          inPlace: inPlace ? 'x' : undefined,
          call: (be, t) => be.scale(t.out, t.x, s),
          options: { s },
        })),
    },
    softmaxFamily('random logits', arbTensor(arbShape([1, 3]), { range: 8 })),
    softmaxFamily(
      'large logits (needs the row max subtracted)',
      fc
        .tuple(arbShape([1, 2]), fc.double({ min: -1000, max: 1000, noNaN: true }))
        .chain(([shape, offset]) => arbTensor(shape, { range: 20, offset: Math.fround(offset) })),
    ),
    softmaxFamily(
      'masked entries and fully masked rows (−∞ gives 0)',
      fc.tuple(arbTensor(arbShape(2, { max: 40 })), fc.nat()).map(([x, seed]) => withMaskedEntries(x, seed)),
    ),
    {
      op: 'layerNorm',
      name: 'random rows (mean offset, spread), weight, optional bias, eps',
      cases: fc
        .record({
          shape: arbShape([1, 3]),
          offset: fc.double({ min: -10, max: 10, noNaN: true }),
          spread: fc.double({ min: 0.1, max: 4, noNaN: true }),
          withBias: fc.boolean(),
          eps: fc.constantFrom(1e-5, 1e-6, 1e-12),
        })
        .chain((r) =>
          fc.tuple(
            fc.constant(r),
            arbTensor(r.shape, { offset: Math.fround(r.offset), range: Math.fround(r.spread) }).map((x) =>
              withRowSpread(x, Math.fround(r.offset), Math.fround(r.spread)),
            ),
            arbTensor([r.shape[r.shape.length - 1]]),
            arbTensor([r.shape[r.shape.length - 1]]),
          ),
        )
        .map(([r, x, weight, bias]) => ({
          inputs: [
            input('x', x),
            input('weight', weight, 'weights'),
            ...(r.withBias ? [input('bias', bias, 'weights')] : []),
          ],
          outputs: [{ name: 'out', shape: x.shape }],
          call: (be, t) => be.layerNorm(t.out, t.x, t.weight, t.bias, r.eps),
          options: { eps: r.eps, bias: r.withBias, offset: r.offset, spread: r.spread },
        })),
    },
    {
      op: 'rmsNorm',
      name: 'random rows, weight, eps',
      cases: fc
        .tuple(arbShape([1, 3]), fc.constantFrom(1e-5, 1e-6))
        .chain(([shape, eps]) =>
          fc.tuple(arbTensor(shape, { range: 4 }), arbTensor([shape[shape.length - 1]]), fc.constant(eps)),
        )
        .map(([x, weight, eps]) => ({
          inputs: [input('x', x), input('weight', weight, 'weights')],
          outputs: [{ name: 'out', shape: x.shape }],
          call: (be, t) => be.rmsNorm(t.out, t.x, t.weight, eps),
          options: { eps },
        })),
    },
    unary('gelu'),
    unary('geluTanh'),
    unary('silu'),
    {
      op: 'swiglu',
      name: 'random gate and up, in place into gate',
      cases: fc
        .tuple(arbShape(2), fc.boolean())
        .chain(([shape, inPlace]) =>
          fc.tuple(arbTensor(shape, { range: 8 }), arbTensor(shape, { range: 4 }), fc.constant(inPlace)),
        )
        .map(([gate, up, inPlace]) => ({
          inputs: [input('gate', gate), input('up', up)],
          outputs: [{ name: 'out', shape: gate.shape }],
          inPlace: inPlace ? 'gate' : undefined,
          call: (be, t) => be.swiglu(t.out, t.gate, t.up),
        })),
    },
    {
      op: 'embedding',
      name: 'random table [V, C] and ids',
      cases: fc
        .tuple(arbDim({ max: 70 }), arbDim())
        .chain(([V, C]) => fc.tuple(arbTensor([V, C]), arbIds(V, arbDim({ max: 33, large: false }))))
        .map(([table, ids]) => ({
          inputs: [input('table', table, 'weights')],
          outputs: [{ name: 'out', shape: [ids.length, table.shape[1]] }],
          call: (be, t) => be.embedding(t.out, t.table, Uint32Array.from(ids)),
          options: { ids },
        })),
    },
    {
      op: 'rope',
      name: 'x [T, heads, D], both styles, start, theta, rotaryDim, in place',
      cases: arbRopeCase.map(([r, x, rotaryDim]) => {
        const o: RopeOptions = {
          start: r.start,
          theta: r.theta,
          style: r.style,
          ...(r.partial ? { rotaryDim } : {}),
        };
        return {
          inputs: [input('x', x)],
          outputs: [{ name: 'out', shape: x.shape }],
          inPlace: r.inPlace ? 'x' : undefined,
          call: (be: Backend, t: Record<string, Tensor>) => be.rope(t.out, t.x, o),
          options: { ...o },
        };
      }),
    },
    {
      op: 'attention',
      name: 'q [T, H, D], k/v [S, Hkv, D]: GQA, causal with past, weights [H, T, S]',
      cases: arbAttentionCase.map(([r, q, k, v, past]) => {
        const H = r.Hkv * r.group;
        const S = r.T + r.extra;
        const scale = r.scale ?? 1 / Math.sqrt(r.D);
        const outputs = [{ name: 'out', shape: q.shape }];
        if (r.withWeights) outputs.push({ name: 'weights', shape: [H, r.T, S] });
        const usePast = r.causal && r.explicitPast;
        return {
          inputs: [input('q', q), input('k', k), input('v', v)],
          outputs,
          call: (be: Backend, t: Record<string, Tensor>) => {
            const o: AttentionOptions = { scale, causal: r.causal };
            if (usePast) o.past = past;
            if (r.withWeights) o.weights = t.weights;
            be.attention(t.out, t.q, t.k, t.v, o);
          },
          options: {
            scale,
            causal: r.causal,
            past: usePast ? past : `default (${S - r.T})`,
            weights: r.withWeights,
          },
        };
      }),
    },
    {
      op: 'attention',
      name: 'non-causal cross-attention with more queries than keys',
      cases: fc
        .record({
          T: arbDim({ max: 17, large: false }),
          S: arbDim({ max: 9, large: false }),
          D: arbDim({ max: 33 }),
        })
        .chain((r) =>
          fc.tuple(arbTensor([r.T + r.S, 2, r.D]), arbTensor([r.S, 1, r.D]), arbTensor([r.S, 1, r.D])),
        )
        .map(([q, k, v]) => ({
          inputs: [input('q', q), input('k', k), input('v', v)],
          outputs: [{ name: 'out', shape: q.shape }],
          call: (be: Backend, t: Record<string, Tensor>) =>
            be.attention(t.out, t.q, t.k, t.v, { scale: 0.5, causal: false }),
          options: { scale: 0.5, causal: false },
        })),
    },
    {
      op: 'attention',
      name: 'k/v as the first S rows of a larger cache, out as a row range; nothing written outside out',
      cases: fc
        .record({
          T: arbDim({ max: 9, large: false }),
          past: arbDim({ min: 0, max: 20, large: false }),
          spare: arbDim({ max: 9, large: false }),
          Hkv: fc.integer({ min: 1, max: 2 }),
          group: fc.integer({ min: 1, max: 3 }),
          D: arbDim({ max: 33 }),
        })
        .chain((r) =>
          fc.tuple(
            fc.constant(r),
            arbTensor([r.T, r.Hkv * r.group, r.D]),
            arbTensor([r.past + r.T + r.spare, r.Hkv, r.D]),
            arbTensor([r.past + r.T + r.spare, r.Hkv, r.D]),
          ),
        )
        .map(([r, q, keyCache, valueCache]) => {
          const S = r.past + r.T;
          return {
            inputs: [input('q', q), input('keyCache', keyCache), input('valueCache', valueCache)],
            outputs: [{ name: 'outAll', shape: [r.T + 2, r.Hkv * r.group, r.D] }],
            call: (be: Backend, t: Record<string, Tensor>) =>
              be.attention(
                rows(t.outAll, 1, r.T + 1),
                t.q,
                rows(t.keyCache, 0, S),
                rows(t.valueCache, 0, S),
                {
                  scale: 1 / Math.sqrt(r.D),
                  causal: true,
                  past: r.past,
                },
              ),
            options: { S, past: r.past, view: 'k, v = rows(cache, 0, S); out = rows(outAll, 1, T + 1)' },
          };
        }),
    },
    {
      op: 'linear',
      name: 'x and out as row ranges of larger tensors; nothing written outside out',
      cases: fc
        .tuple(arbDim({ max: 17, large: false }), arbDim(), arbDim())
        .chain(([T, K, N]) =>
          fc.tuple(arbTensor([T + 3, K]), arbTensor([N, K]), arbTensor([N]), fc.constant(T)),
        )
        .map(([xAll, w, bias, T]) => ({
          inputs: [input('xAll', xAll), input('w', w, 'weights'), input('bias', bias, 'weights')],
          outputs: [{ name: 'outAll', shape: [T + 2, w.shape[0]] }],
          call: (be: Backend, t: Record<string, Tensor>) =>
            be.linear(rows(t.outAll, 2, T + 2), rows(t.xAll, 3, T + 3), t.w, t.bias),
          options: { view: 'x = rows(xAll, 3, T + 3); out = rows(outAll, 2, T + 2)' },
        })),
    },
  ];
}
