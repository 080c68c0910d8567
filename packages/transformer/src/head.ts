// ④ The head: final norm, then logits over the vocabulary (seed §5: "logits").
//   xf = norm_f(x)            [T, C]
//   logits = xf · W_lmᵀ       [T, C] · [V, C]ᵀ → [T, V]   (W_lm = wte when tied)

import type { Tensor } from '@llmf/tensor';
import type { ModelConfig } from './config';
import { normalize } from './norm';
import type { StepOps } from './step-ops';
import type { ModelWeights } from './weights';

/** xf [T, C] = the final norm of x (out may be x). */
export function finalNorm(ops: StepOps, c: ModelConfig, xf: Tensor, x: Tensor, w: ModelWeights): void {
  normalize(ops, c, xf, x, w.lnfw, w.lnfb);
}

/** logits [T, V] = xf [T, C] · W_lmᵀ. */
export function lmHead(ops: StepOps, logits: Tensor, xf: Tensor, w: ModelWeights): void {
  ops.linear(logits, xf, w.lmheadw);
}
