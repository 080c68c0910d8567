import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, erf, erfc, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

// Values from Python's math.erf / math.erfc (C libm, correctly rounded to ~1 ulp).
const erfTable: [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [2.9, 0.9999589021219005],
  [3.1, 0.9999883513426328],
  [-1.5, -0.9661051464753108],
];
const erfcTable: [number, number][] = [
  [3, 2.209049699858544e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280351e-12],
  [6, 2.1519736712498913e-17],
  [-2, 1.9953222650189528],
];
// Python: 0.5*x*(1+math.erf(x/√2)), the tanh form, and x/(1+e^−x)
const geluTable: [number, number, number, number][] = [
  [-6, -5.919525869479969e-9, -8.43964897967453e-11, -0.014835738939808647],
  [-3, -0.00404969409489031, -0.0036373920817729943, -0.14227761953270035],
  [-1, -0.15865525393145707, -0.15880800939172324, -0.2689414213699951],
  [-0.5, -0.15426876936299344, -0.15428599017485606, -0.1887703343990727],
  [0, 0, 0, 0],
  [0.5, 0.34573123063700656, 0.34571400982514394, 0.3112296656009273],
  [1, 0.8413447460685429, 0.8411919906082768, 0.7310585786300049],
  [2, 1.9544997361036416, 1.954597694087775, 1.7615941559557646],
  [3.5, 3.4991857982233756, 3.499383802344626, 3.3974071923702525],
];

describe('erf', () => {
  test.each(erfTable)('erf(%f) matches libm to 1e-15', (x, y) => {
    expect(Math.abs(erf(x) - y)).toBeLessThan(1e-15);
  });
  test.each(erfcTable)('erfc(%f) matches libm to 1e-13 relative', (x, y) => {
    expect(Math.abs(erfc(x) - y) / y).toBeLessThan(1e-13);
  });
  test('is odd, bounded, increasing, and erf + erfc = 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, dx) => {
          expect(erf(-x)).toBeCloseTo(-erf(x), 15);
          expect(Math.abs(erf(x))).toBeLessThanOrEqual(1);
          expect(erf(x + dx)).toBeGreaterThanOrEqual(erf(x) - 1e-16);
          expect(erf(x) + erfc(x)).toBeCloseTo(1, 14);
        },
      ),
      { numRuns: 200 },
    );
  });
  test('limits and NaN', () => {
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfc(40)).toBe(0);
    expect(erf(Number.NaN)).toBeNaN();
  });
});

describe('activations', () => {
  const xs = tensor(geluTable.map((r) => r[0]));
  test('gelu (erf form) matches 0.5·x·(1 + erf(x/√2))', () => {
    const out = zeros(xs.shape);
    be.gelu(out, xs);
    expectClose(
      out.data,
      geluTable.map((r) => Math.fround(r[1])),
      0,
      1e-7,
    );
  });
  test('geluTanh matches GPT-2 gelu_new', () => {
    const out = zeros(xs.shape);
    be.geluTanh(out, xs);
    expectClose(
      out.data,
      geluTable.map((r) => Math.fround(r[2])),
      0,
      1e-7,
    );
  });
  test('silu matches x·σ(x)', () => {
    const out = zeros(xs.shape);
    be.silu(out, xs);
    expectClose(
      out.data,
      geluTable.map((r) => Math.fround(r[3])),
      0,
      1e-7,
    );
  });
  test('saturate without NaN for huge inputs', () => {
    const x = tensor([-1e30, -100, 100, 1e30]);
    for (const op of ['gelu', 'geluTanh', 'silu'] as const) {
      const out = zeros([4]);
      be[op](out, x);
      expectClose(out.data, [0, 0, 100, 1e30].map(Math.fround), 1e-40, 0);
    }
  });
  test('swiglu = silu(gate) ⊙ up, in place into gate', () => {
    const gate = tensor([
      [1, -1],
      [2, 0.5],
    ]);
    const up = tensor([
      [2, 3],
      [-1, 4],
    ]);
    const expected = [
      0.7310585786300049 * 2,
      -0.2689414213699951 * 3,
      -1.7615941559557646,
      0.3112296656009273 * 4,
    ];
    be.swiglu(gate, gate, up);
    expectClose(gate.data, expected.map(Math.fround), 0, 1e-7);
    expect(() => be.swiglu(zeros([2, 2]), zeros([2, 2]), zeros([2, 3]))).toThrow(
      /up has shape \[2, 3\] but must be \[2, 2\]/,
    );
  });
});

describe('add, mul, scale', () => {
  test('same shape and row broadcast', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const out = zeros([2, 3]);
    be.add(out, a, tensor([10, 20, 30]));
    expect([...out.data]).toEqual([11, 22, 33, 14, 25, 36]);
    be.mul(
      out,
      a,
      tensor([
        [1, 0, -1],
        [2, 2, 2],
      ]),
    );
    expect([...out.data]).toEqual([1, 0, -3, 8, 10, 12]);
    be.mul(out, a, tensor([[2, 0, 1]]));
    expect([...out.data]).toEqual([2, 0, 3, 8, 0, 6]);
    be.scale(out, a, -0.5);
    expect([...out.data]).toEqual([-0.5, -1, -1.5, -2, -2.5, -3]);
  });
  test('in place (out === a) gives the same result as a separate out', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.boolean())
      .chain(([T, C, row]) => fc.tuple(arbTensorOf([T, C]), arbTensorOf(row ? [C] : [T, C])));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        for (const op of ['add', 'mul'] as const) {
          const separate = zeros(a.shape);
          be[op](separate, a, b);
          const inPlace = { shape: a.shape, data: a.data.slice() };
          be[op](inPlace, inPlace, b);
          expect(inPlace.data).toEqual(separate.data);
          for (let i = 0; i < a.data.length; i++) {
            const bi = b.data[i % b.data.length];
            expect(separate.data[i]).toBe(Math.fround(op === 'add' ? a.data[i] + bi : a.data[i] * bi));
          }
        }
      }),
      { numRuns: 50 },
    );
  });
  test("rejects a b that is neither a's shape nor a row", () => {
    expect(() => be.add(zeros([2, 3]), zeros([2, 3]), zeros([2]))).toThrow(
      /b \[2\] must have a's shape \[2, 3\] or be one row \[3\]/,
    );
    expect(() => be.mul(zeros([2, 3]), zeros([2, 3]), zeros([3, 2]))).toThrow(/SHAPE|must have a's shape/);
    expect(() => be.scale(zeros([2]), zeros([2]), Number.NaN)).toThrow(/s must be a finite number/);
  });
  test('never mutates inputs', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    be.add(zeros([3]), a, b);
    expect([...a.data, ...b.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
