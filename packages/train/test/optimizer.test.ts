// AdamW against hand-computed updates (PyTorch AdamW semantics), the schedule's shape, gradient clipping.
import { test } from '@fast-check/vitest';
import { tensor } from '@llmf/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, gradNorm, learningRate } from '../src/index';

describe('AdamW', () => {
  it('takes the bias-corrected steps of torch.optim.AdamW, decaying only marked parameters', () => {
    const w = tensor([1, 1]);
    const g = tensor([0.5, 0.5]);
    const b = tensor([1]);
    const gb = tensor([0.5]);
    const opt = new AdamW(
      [
        { name: 'w', param: w, grad: g, decay: true },
        { name: 'b', param: b, grad: gb, decay: false },
      ],
      { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 },
    );
    opt.update(0.1);
    // step 1: m̂ = g, v̂ = g², so the Adam part is sign(g) = 1; decay adds 0.1·θ
    expect(w.data[0]).toBeCloseTo(1 - 0.1 * (1 + 0.1 * 1), 6); // 0.89
    expect(b.data[0]).toBeCloseTo(1 - 0.1, 6); // no decay
    opt.update(0.1);
    // step 2 with the same gradient: m̂ = 0.095/0.19 = 0.5, v̂ = 0.024375/0.0975 = 0.25 → again 1
    expect(w.data[0]).toBeCloseTo(0.89 - 0.1 * (1 + 0.1 * 0.89), 6);
    expect(b.data[0]).toBeCloseTo(0.8, 6);
    expect(opt.step).toBe(2);
    expect([...g.data]).toEqual([0.5, 0.5]); // gradients are read, not changed
  });

  it('rejects a gradient whose size differs from its parameter', () => {
    expect(() => new AdamW([{ name: 'w', param: tensor([1, 2]), grad: tensor([1]), decay: true }])).toThrow(
      /gradient/,
    );
  });
});

describe('warmup + cosine schedule', () => {
  const o = { maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, decaySteps: 110 };
  it('warms up linearly, peaks, halves at mid-decay and ends at the floor', () => {
    expect(learningRate(0, o)).toBeCloseTo(1e-4, 12);
    expect(learningRate(9, o)).toBeCloseTo(1e-3, 12);
    expect(learningRate(10, o)).toBeCloseTo(1e-3, 12);
    expect(learningRate(60, o)).toBeCloseTo(5.5e-4, 12);
    expect(learningRate(110, o)).toBeCloseTo(1e-4, 12);
    expect(learningRate(500, o)).toBe(1e-4);
  });
  test.prop([fc.integer({ min: 10, max: 200 })])(
    'never increases after warmup and stays in [minLr, maxLr]',
    (step) => {
      const lr = learningRate(step, o);
      expect(lr).toBeGreaterThanOrEqual(o.minLr - 1e-15);
      expect(lr).toBeLessThanOrEqual(o.maxLr + 1e-15);
      expect(learningRate(step + 1, o)).toBeLessThanOrEqual(lr + 1e-15);
    },
  );
});

describe('gradient clipping', () => {
  test.prop([
    fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 20 }),
    fc.double({ min: 0.1, max: 5, noNaN: true }),
  ])('caps the global norm at maxNorm and keeps the direction', (values, maxNorm) => {
    const a = tensor(values.slice(0, Math.ceil(values.length / 2)));
    const b = tensor(values.slice(Math.ceil(values.length / 2)).concat([0]));
    const before = [...a.data, ...b.data];
    const norm = clipGradNorm([a, b], maxNorm);
    expect(norm).toBeCloseTo(Math.hypot(...before), 3);
    const after = [...a.data, ...b.data];
    expect(gradNorm([a, b])).toBeLessThanOrEqual(Math.max(maxNorm, 0) * (1 + 1e-5) + 1e-6);
    const s = norm > maxNorm ? maxNorm / norm : 1;
    after.forEach((x, i) => {
      expect(x).toBeCloseTo(before[i]! * s, 4);
    });
  });
});
