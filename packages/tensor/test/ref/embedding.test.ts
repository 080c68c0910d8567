import { describe, expect, test } from 'vitest';
import { createReferenceBackend, LlmfError, tensor, zeros } from '../../src/index';

const be = createReferenceBackend();
const table = tensor([
  [0, 0.5],
  [1, 1.5],
  [2, 2.5],
]); // [V=3, C=2]

describe('embedding', () => {
  test('copies row ids[t] of the table into row t (repeats allowed, any ArrayLike)', () => {
    const out = zeros([4, 2]);
    be.embedding(out, table, Uint32Array.from([2, 0, 2, 1]));
    expect([...out.data]).toEqual([2, 2.5, 0, 0.5, 2, 2.5, 1, 1.5]);
    const empty = zeros([0, 2]);
    be.embedding(empty, table, []);
    expect(empty.data.length).toBe(0);
  });

  test.each([[3], [-1], [1.5], [Number.NaN]])(
    'id %f is rejected with a typed error and out is left untouched',
    (bad) => {
      const out = tensor([
        [9, 9],
        [9, 9],
      ]);
      let caught: unknown;
      try {
        be.embedding(out, table, [1, bad]);
      } catch (e) {
        caught = e;
      }
      expect(LlmfError.isInstance(caught)).toBe(true);
      expect((caught as LlmfError).code).toBe('INVALID_ARGUMENT');
      expect((caught as Error).message).toContain(
        `token id ${bad} at position 1 is outside the table's vocabulary [0, 3)`,
      );
      expect([...out.data]).toEqual([9, 9, 9, 9]);
    },
  );

  test('out must be [ids.length, C]', () => {
    expect(() => be.embedding(zeros([2, 2]), table, [0])).toThrow(
      /out has shape \[2, 2\] but must be \[1, 2\]/,
    );
  });
});
