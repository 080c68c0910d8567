import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

describe('softmax', () => {
  test("the seed's worked example: logits [2, 1, 0.5, 0] → [0.58, 0.21, 0.13, 0.08]", () => {
    const out = zeros([4]);
    be.softmax(out, tensor([2, 1, 0.5, 0]));
    expectClose(out.data, [0.58, 0.21, 0.13, 0.08], 0.005, 0);
    expectClose(
      out.data,
      [0.5792585299413738, 0.21309730428862378, 0.12925004855316277, 0.07839411721683971],
      1e-7,
      0,
    );
  });

  test('every row is a probability distribution (sums to 1, entries in [0, 1]) and keeps the order', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 70 }))
      .chain(([R, C]) => arbTensorOf([R, C], 50));
    fc.assert(
      fc.property(arb, (x) => {
        const out = zeros(x.shape);
        be.softmax(out, x);
        const C = x.shape[1];
        for (let r = 0; r < x.shape[0]; r++) {
          let sum = 0;
          for (let i = 0; i < C; i++) {
            const p = out.data[r * C + i];
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
            sum += p;
            if (i > 0 && x.data[r * C + i] > x.data[r * C + i - 1])
              expect(p).toBeGreaterThanOrEqual(out.data[r * C + i - 1]);
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('is shift-invariant and stable for huge logits (max subtraction)', () => {
    const out = zeros([3]);
    be.softmax(out, tensor([1000, 1001, 1002]));
    const small = zeros([3]);
    be.softmax(small, tensor([0, 1, 2]));
    expect(out.data).toEqual(small.data);
    be.softmax(out, tensor([-3e38, 3e38, 0]));
    expect([...out.data]).toEqual([0, 1, 0]);
  });

  test('a fully masked row (all −∞) gives zeros; a masked entry gets exactly 0', () => {
    const x = tensor([
      [-Infinity, -Infinity, -Infinity],
      [0, -Infinity, 0],
    ]);
    const out = zeros([2, 3]);
    be.softmax(out, x);
    expect([...out.data]).toEqual([0, 0, 0, 0.5, 0, 0.5]);
  });

  test('a row with NaN gives NaN (not hidden as zeros), other rows are unaffected', () => {
    const out = zeros([3, 2]);
    be.softmax(
      out,
      tensor([
        [Number.NaN, 1],
        [-Infinity, Number.NaN],
        [0, 0],
      ]),
    );
    expect([...out.data]).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 0.5, 0.5]);
  });

  test('works in place and on 3-D tensors (over the last dimension)', () => {
    const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
    const expected = zeros([2, 2, 2]);
    be.softmax(expected, x);
    be.softmax(x, x);
    expect(x.data).toEqual(expected.data);
    expectClose(x.data.subarray(0, 2), [0.2689414213699951, 0.7310585786300049], 1e-7, 0);
  });
});
