// The feed-forward sublayer (seed §4, "FFN"): each token on its own, no mixing across time.
//   mlp:    out = act(x·W_upᵀ + b_up)·W_downᵀ + b_down              [T, C] → [T, F] → [T, C]
//   swiglu: out = (silu(x·W_gateᵀ) ⊙ x·W_upᵀ)·W_downᵀ               (Llama)

import type { Tensor } from '@llmf/tensor';
import type { Activations } from './activations';
import type { ModelConfig } from './config';
import type { StepOps } from './step-ops';
import type { LayerWeights } from './weights';

/** out [T, C] = FFN(x [T, C]). */
export function mlp(
  ops: StepOps,
  c: ModelConfig,
  out: Tensor,
  x: Tensor,
  w: LayerWeights,
  a: Activations,
): void {
  ops.linear(a.up, x, w.fcw, w.fcb); // [T, C] → [T, F] expand
  if (c.ffn === 'swiglu') {
    ops.linear(a.gate, x, w.gatew as Tensor, w.gateb); // [T, C] → [T, F]
    ops.swiglu(a.act, a.gate, a.up); // silu(gate) ⊙ up
  } else if (c.activation === 'gelu') ops.gelu(a.act, a.up);
  else if (c.activation === 'geluTanh') ops.geluTanh(a.act, a.up);
  else ops.silu(a.act, a.up);
  ops.linear(out, a.act, w.projw, w.projb); // [T, F] → [T, C] compress
}
