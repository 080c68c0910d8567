// One transformer block: "gather context, then think" (seed §4), with residual connections.
//   pre-norm  (GPT-2, Llama):           x = x + attn(ln1(x));   x = x + mlp(ln2(x))
//   post-norm (the seed's Add & Norm):  x = ln1(x + attn(x));   x = ln2(x + mlp(x))

import type { KVCache } from '@llmf/attention';
import type { Backend, Tensor } from '@llmf/tensor';
import type { Activations } from './activations';
import { attention } from './attention';
import type { ModelConfig } from './config';
import { mlp } from './mlp';
import { normalize } from './norm';
import type { LayerWeights } from './weights';

/** Run block `layer` on the residual stream a.x [T, C] in place, at positions start..start+T−1. */
export function block(
  backend: Backend,
  c: ModelConfig,
  w: LayerWeights,
  a: Activations,
  cache: KVCache,
  layer: number,
  start: number,
  weights?: Tensor,
): void {
  const { x, xn, sub } = a;
  if (c.normPlacement === 'pre') {
    normalize(backend, c, xn, x, w.ln1w, w.ln1b);
    attention(backend, c, sub, xn, w, a, cache, layer, start, weights);
    backend.add(x, x, sub); // x = x + attn(ln1(x))
    normalize(backend, c, xn, x, w.ln2w, w.ln2b);
    mlp(backend, c, sub, xn, w, a);
    backend.add(x, x, sub); // x = x + mlp(ln2(x))
  } else {
    attention(backend, c, sub, x, w, a, cache, layer, start, weights);
    backend.add(x, x, sub);
    normalize(backend, c, x, x, w.ln1w, w.ln1b); // x = ln1(x + attn(x))
    mlp(backend, c, sub, x, w, a);
    backend.add(x, x, sub);
    normalize(backend, c, x, x, w.ln2w, w.ln2b); // x = ln2(x + mlp(x))
  }
}
