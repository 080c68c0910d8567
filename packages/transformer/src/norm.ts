// The two normalisations, over the last dimension C of x [T, C]:
//   LayerNorm: (x − mean) / √(var + eps) · w + b      (GPT-2, the seed's "Add & LayerNorm")
//   RMSNorm:   x / √(mean(x²) + eps) · w              (Llama)

import type { Tensor } from '@llmf/tensor';
import type { ModelConfig } from './config';
import type { StepOps } from './step-ops';

/** out [T, C] = norm(x) with weight w [C] and bias b [C] (LayerNorm only). out may be x. */
export function normalize(
  ops: StepOps,
  c: ModelConfig,
  out: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
): void {
  if (c.norm === 'rms') ops.rmsNorm(out, x, w, c.normEps);
  else ops.layerNorm(out, x, w, b, c.normEps);
}
