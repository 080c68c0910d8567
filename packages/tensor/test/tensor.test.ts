import { describe, expect, test } from 'vitest';
import { LlmfError, reshape, rows, sizeOf, tensor, zeros } from '../src/index';

describe('tensor', () => {
  test('from nested arrays, flat arrays and Float32Array, with the shape inferred or given', () => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect([...m.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    const data = new Float32Array(6);
    expect(tensor(data, [3, 2]).data).toBe(data); // no copy
  });

  test('rejects ragged rows, a wrong size and bad dimensions with typed errors', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/row 1 has 1 values, expected 2/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/holds 4 values but data has 3/);
    let caught: unknown;
    try {
      zeros([2, -1]);
    } catch (e) {
      caught = e;
    }
    expect(LlmfError.isInstance(caught)).toBe(true);
    expect((caught as LlmfError).code).toBe('INVALID_ARGUMENT');
    expect(() => zeros([1.5])).toThrow(/non-negative integers/);
  });

  test('sizeOf, zeros, reshape and rows share or allocate memory as documented', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([5, 0])).toBe(0);
    const z = zeros([2, 3]);
    expect([...z.data]).toEqual([0, 0, 0, 0, 0, 0]);
    const r = reshape(z, [3, 2]);
    r.data[5] = 7;
    expect(z.data[5]).toBe(7);
    expect(() => reshape(z, [4, 2])).toThrow(/cannot view 6 values as \[4, 2\]/);
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const middle = rows(x, 1, 3);
    expect(middle.shape).toEqual([2, 2]);
    expect([...middle.data]).toEqual([3, 4, 5, 6]);
    middle.data[0] = 30;
    expect(x.data[2]).toBe(30);
    expect(rows(x, 2, 2).data.length).toBe(0);
    expect(() => rows(x, 2, 4)).toThrow(/\[2, 4\) is not a row range of a tensor with 3 rows/);
    expect(() => rows(x, 2, 1)).toThrow(/not a row range/);
  });
});
