import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceBackend, LlmfError, tensor, zeros } from '../../src/index';
import { arbTensorOf, expectClose } from '../helpers';

const be = createReferenceBackend();

describe('matmul', () => {
  test('hand-computed 2×2 product', () => {
    const out = zeros([2, 2]);
    be.matmul(
      out,
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expect([...out.data]).toEqual([19, 22, 43, 50]);
  });

  test('equals a triple loop in f64 on random shapes', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
      .chain(([M, K, N]) => fc.tuple(arbTensorOf([M, K]), arbTensorOf([K, N])));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const [M, K] = a.shape;
        const N = b.shape[1];
        const expected = new Float64Array(M * N);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++)
            for (let k = 0; k < K; k++) expected[i * N + j] += a.data[i * K + k] * b.data[k * N + j];
        const out = zeros([M, N]);
        be.matmul(out, a, b);
        expectClose(out.data, expected.map(Math.fround), 0, 0);
      }),
      { numRuns: 60 },
    );
  });

  test('rejects mismatched inner dimensions with SHAPE_MISMATCH', () => {
    const err = (() => {
      try {
        be.matmul(zeros([2, 2]), zeros([2, 3]), zeros([4, 2]));
      } catch (e) {
        return e;
      }
    })();
    expect(LlmfError.isInstance(err)).toBe(true);
    expect((err as LlmfError).code).toBe('SHAPE_MISMATCH');
    expect((err as Error).message).toMatch(/a's columns \(3\) must equal b's rows \(4\)/);
  });

  test('rejects a wrong out shape and an out that aliases an input', () => {
    expect(() => be.matmul(zeros([2, 3]), zeros([2, 2]), zeros([2, 2]))).toThrow(
      /out has shape \[2, 3\] but must be \[2, 2\]/,
    );
    const a = zeros([2, 2]);
    expect(() => be.matmul(a, a, zeros([2, 2]))).toThrow(/must not share memory/);
  });

  test('rejects a tensor whose data length does not match its shape', () => {
    expect(() =>
      be.matmul(zeros([1, 1]), { shape: [1, 2], data: new Float32Array(3) }, zeros([2, 1])),
    ).toThrow(/data holds 3/);
  });
});

describe('linear', () => {
  test('x · wᵀ + bias equals matmul with the transposed weight plus the bias row', () => {
    const arb = fc
      .tuple(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
      )
      .chain(([T, K, N, withBias]) =>
        fc.tuple(
          arbTensorOf([T, K]),
          arbTensorOf([N, K]),
          withBias ? arbTensorOf([N]) : fc.constant(undefined),
        ),
      );
    fc.assert(
      fc.property(arb, ([x, w, bias]) => {
        const [T, K] = x.shape;
        const N = w.shape[0];
        const wT = zeros([K, N]);
        for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) wT.data[k * N + n] = w.data[n * K + k];
        const viaMatmul = zeros([T, N]);
        be.matmul(viaMatmul, x, wT);
        const expected = Array.from(viaMatmul.data, (v, i) => v + (bias ? bias.data[i % N] : 0));
        const out = zeros([T, N]);
        be.linear(out, x, w, bias);
        expectClose(out.data, expected, 1e-5, 1e-5);
      }),
      { numRuns: 60 },
    );
  });

  test('hand-computed: [1, 2] · [[1, 1], [0, 2]]ᵀ + [0.5, −1]', () => {
    const out = zeros([1, 2]);
    be.linear(
      out,
      tensor([[1, 2]]),
      tensor([
        [1, 1],
        [0, 2],
      ]),
      tensor([0.5, -1]),
    );
    expect([...out.data]).toEqual([3.5, 3]);
  });

  test('rejects w in [in, out] layout and a wrong bias', () => {
    expect(() => be.linear(zeros([1, 2]), zeros([1, 3]), zeros([3, 2]))).toThrow(/w is \[out, in\]/);
    expect(() => be.linear(zeros([1, 2]), zeros([1, 3]), zeros([2, 3]), zeros([3]))).toThrow(
      /bias has shape \[3\]/,
    );
  });
});
