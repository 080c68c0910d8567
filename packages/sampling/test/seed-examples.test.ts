// The worked examples of the seed (llm-fundamentals §5), reproduced through the public API.
import { describe, expect, it } from 'vitest';
import { greedy, sample, softmax, topK, topP } from '../src/index';

const tokens = ['on', 'the', 'mat', 'in'];
const logits = [2.0, 1.0, 0.5, 0.0];
const twoDecimals = (xs: ArrayLike<number>) => Array.from(xs, (x) => x.toFixed(2));
const kept = (probs: ArrayLike<number>) => tokens.filter((_, i) => probs[i] > 0);

describe('seed §5: from logits to probabilities', () => {
  it('softmax([2, 1, 0.5, 0]) = [0.58, 0.21, 0.13, 0.08], summing to 1', () => {
    const probs = softmax(logits);
    expect(twoDecimals(probs)).toEqual(['0.58', '0.21', '0.13', '0.08']);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('greedy always picks "on"', () => {
    expect(tokens[greedy(logits)]).toBe('on');
    for (let seed = 0; seed < 20; seed++) expect(sample(logits, { temperature: 0, seed })).toBe(0);
  });

  it.each([
    [0.5, ['0.83', '0.11', '0.04', '0.02']],
    [1.0, ['0.58', '0.21', '0.13', '0.08']],
    [2.0, ['0.41', '0.25', '0.19', '0.15']],
  ])('temperature %s reshapes the distribution to %j', (t, expected) => {
    expect(twoDecimals(softmax(logits, t))).toEqual(expected);
  });

  it('T → 0 puts all probability on the top token', () => {
    expect(Array.from(softmax(logits, 0))).toEqual([1, 0, 0, 0]);
    expect(twoDecimals(softmax(logits, 0.01))).toEqual(['1.00', '0.00', '0.00', '0.00']);
  });

  it('top-k = 2 keeps "on" and "the", renormalised to [0.73, 0.27]', () => {
    expect(twoDecimals(topK(softmax(logits), 2))).toEqual(['0.73', '0.27', '0.00', '0.00']);
    expect(twoDecimals(topK([0.58, 0.21, 0.13, 0.08], 2))).toEqual(['0.73', '0.27', '0.00', '0.00']);
  });

  it('top-p = 0.7 keeps {on, the}; top-p = 0.95 keeps all four', () => {
    expect(kept(topP(softmax(logits), 0.7))).toEqual(['on', 'the']);
    expect(kept(topP([0.58, 0.21, 0.13, 0.08], 0.7))).toEqual(['on', 'the']);
    expect(kept(topP(softmax(logits), 0.95))).toEqual(['on', 'the', 'mat', 'in']);
    expect(kept(topP([0.58, 0.21, 0.13, 0.08], 0.95))).toEqual(['on', 'the', 'mat', 'in']);
  });

  it('sampling with top-k = 2 or top-p = 0.7 only ever returns "on" or "the"', () => {
    for (let seed = 0; seed < 200; seed++) {
      expect([0, 1]).toContain(sample(logits, { topK: 2, seed }));
      expect([0, 1]).toContain(sample(logits, { topP: 0.7, seed }));
    }
  });
});
