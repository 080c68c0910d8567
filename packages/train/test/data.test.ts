// The data loader: split sizes, next-token targets, deterministic validation, clear errors.
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLoader, Rng } from '../src/index';

describe('DataLoader', () => {
  const tokens = Array.from({ length: 100 }, (_, i) => i);

  it('holds out the last validationFraction of the tokens', () => {
    const d = new DataLoader(tokens, 2, 4, 0.2);
    expect(d.train.length).toBe(80);
    expect(d.validation.length).toBe(20);
    expect(d.validation[0]).toBe(80);
  });

  test.prop([
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  ])('training targets are the inputs shifted by one, from the training split only', (B, T, seed) => {
    const d = new DataLoader(tokens, B, T, 0.2);
    const { inputs, targets } = d.nextTrain(new Rng(seed));
    expect(inputs.length).toBe(B * T);
    for (let i = 0; i < B * T; i++) {
      expect(targets[i]).toBe(inputs[i]! + 1); // tokens are 0, 1, 2, ...
      expect(targets[i]).toBeLessThan(80);
    }
  });

  it('draws the same batches from the same seed, and serves fixed validation batches', () => {
    const d = new DataLoader(tokens, 3, 5, 0.2);
    expect(d.nextTrain(new Rng(7))).toEqual(d.nextTrain(new Rng(7)));
    expect(d.validationBatch(1, 2)).toEqual(d.validationBatch(1, 2));
    const v = d.validationBatch(0, 2);
    expect(v.inputs.every((x) => x >= 80)).toBe(true);
  });

  it('explains a corpus too short for the sequence length', () => {
    expect(() => new DataLoader([1, 2, 3], 1, 8)).toThrow(/training split has 2 tokens/);
    expect(() => new DataLoader(tokens, 1, 8, 0.05)).toThrow(/raise validationFraction/);
    expect(() => new DataLoader(tokens, 1, 8, 1)).toThrow(/validationFraction/);
  });
});
