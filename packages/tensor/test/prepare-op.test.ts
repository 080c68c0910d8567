// prepareOp: the README's example (the fallback on a backend without prepare), and delegation to a
// backend's own prepare.
import { describe, expect, test } from 'vitest';
import { type Backend, createReferenceBackend, prepareOp, tensor } from '../src/index';

describe('prepareOp', () => {
  test("the README example: a prepared add sees its input's new values", () => {
    const be = createReferenceBackend();
    const x = tensor([1, 2]);
    const out = tensor([0, 0]);
    const step = prepareOp(be, 'add', out, x, x); // out = x + x
    step();
    expect([...out.data]).toEqual([2, 4]);
    x.data.set([5, 6]);
    step();
    expect([...out.data]).toEqual([10, 12]);
  });

  test("uses the backend's prepare when it has one, with the same arguments", () => {
    const calls: unknown[][] = [];
    const ref = createReferenceBackend();
    const run = () => {};
    const be: Backend = {
      ...ref,
      prepare: (op, ...args) => {
        calls.push([op, ...args]);
        return run;
      },
    };
    const x = tensor([1]);
    expect(prepareOp(be, 'geluTanh', x, x)).toBe(run);
    expect(calls).toEqual([['geluTanh', x, x]]);
  });

  test('the fallback checks on every run, as the op does', () => {
    const be = createReferenceBackend();
    const step = prepareOp(be, 'silu', tensor([0, 0]), tensor([1, 2, 3]));
    expect(step).toThrow(/out has shape \[2\] but must be \[3\]/);
  });
});
