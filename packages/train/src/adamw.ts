// AdamW (Loshchilov & Hutter): Adam moments with weight decay decoupled from the gradient.
//   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
//   θ ← θ − lr·(m̂/(√v̂ + ε) + λ·θ)        (λ only for parameters marked `decay`)

import { LlmfError, type Tensor } from '@llmf/tensor';

/** Hyperparameters of AdamW; the defaults are nanoGPT's. */
export interface AdamWOptions {
  beta1?: number; // 0.9
  beta2?: number; // 0.95
  eps?: number; // 1e-8
  weightDecay?: number; // 0.1
}

/** A parameter the optimizer updates, with its gradient. */
export interface OptimizedParam {
  name: string;
  param: Tensor;
  grad: Tensor;
  decay: boolean;
}

/** AdamW state (first and second moments per parameter, and the step count) and its update. */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Updates taken so far (t in the bias corrections). */
  step = 0;
  /** First moments, by parameter name. */
  readonly m = new Map<string, Float32Array>();
  /** Second moments, by parameter name. */
  readonly v = new Map<string, Float32Array>();

  constructor(
    readonly params: OptimizedParam[],
    o: AdamWOptions = {},
  ) {
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.95;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0.1;
    for (const p of params) {
      if (p.param.data.length !== p.grad.data.length) {
        throw new LlmfError(
          'SHAPE_MISMATCH',
          `AdamW: ${p.name} has ${p.param.data.length} values but its gradient ${p.grad.data.length}`,
        );
      }
      this.m.set(p.name, new Float32Array(p.param.data.length));
      this.v.set(p.name, new Float32Array(p.param.data.length));
    }
  }

  /** One update of every parameter in place with learning rate lr. */
  update(lr: number): void {
    this.step++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    for (const p of this.params) {
      const m = this.m.get(p.name)!;
      const v = this.v.get(p.name)!;
      const w = p.param.data;
      const g = p.grad.data;
      const wd = p.decay ? this.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        const mHat = m[i] / c1;
        const vHat = v[i] / c2;
        w[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + wd * w[i]);
      }
    }
  }
}
