// One transformer block: "gather context, then think" (seed §4), with residual connections.
//   pre-norm  (GPT-2, Llama):           x = x + attn(ln1(x));   x = x + mlp(ln2(x))
//   post-norm (the seed's Add & Norm):  x = ln1(x + attn(x));   x = ln2(x + mlp(x))

import type { Tensor } from '@llmf/tensor';
import type { Activations } from './activations';
import type { ModelConfig } from './config';
import { mlp } from './mlp';
import { normalize } from './norm';
import type { StepOps } from './step-ops';
import type { LayerWeights } from './weights';

/** The attention sublayer of a block: out [T, C] = attn(x [T, C]). */
export type AttentionSublayer = (out: Tensor, x: Tensor) => void;

/** Run a block on the residual stream a.x [T, C] in place; `attend` is its attention sublayer. */
export function block(
  ops: StepOps,
  c: ModelConfig,
  w: LayerWeights,
  a: Activations,
  attend: AttentionSublayer,
): void {
  const { x, xn, sub } = a;
  if (c.normPlacement === 'pre') {
    normalize(ops, c, xn, x, w.ln1w, w.ln1b);
    attend(sub, xn);
    ops.add(x, x, sub); // x = x + attn(ln1(x))
    normalize(ops, c, xn, x, w.ln2w, w.ln2b);
    mlp(ops, c, sub, xn, w, a);
    ops.add(x, x, sub); // x = x + mlp(ln2(x))
  } else {
    attend(sub, x);
    ops.add(x, x, sub);
    normalize(ops, c, x, x, w.ln1w, w.ln1b); // x = ln1(x + attn(x))
    mlp(ops, c, sub, x, w, a);
    ops.add(x, x, sub);
    normalize(ops, c, x, x, w.ln2w, w.ln2b); // x = ln2(x + mlp(x))
  }
}
