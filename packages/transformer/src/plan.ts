// The decode step of one token, planned once and replayed (the step a generation loop repeats):
//   x = embed(id) at position p                        run as a call (the id and the wpe row change)
//   for each block: norms, linears, adds, activations  bound once (Backend.prepare): same tensors each step
//                   RoPE, KV append, attention         run as calls at position p (S = p + 1 keys)
//   logits = head(norm_f(x))                           bound once
// The recorder below is a StepOps that binds each op instead of running it, so the block code that runs a
// call also lays out the plan: there is one description of the model.

import type { KVCache } from '@llmf/attention';
import { type Backend, type PreparableOp, preparableOps, prepareOp } from '@llmf/tensor';
import { type Activations, firstRows } from './activations';
import { attendCached, attention } from './attention';
import { block } from './block';
import type { ModelConfig } from './config';
import { embed } from './embedding';
import { finalNorm, lmHead } from './head';
import type { StepOps } from './step-ops';
import type { ModelWeights } from './weights';

/** One decode step's ops in order: bound ones ignore the position, the others run at it. */
type Step = (position: number) => void;

/** A decode step for `backend`, `weights` and the one-row views of `acts`, replayed per token by run(). */
export class DecodePlan {
  private readonly steps: Step[] = [];
  private readonly a: Activations; // views of the first row of every activation

  constructor(
    private readonly backend: Backend,
    c: ModelConfig,
    private readonly w: ModelWeights,
    acts: Activations,
    cache: KVCache,
  ) {
    const a = firstRows(acts, 1);
    this.a = a;
    const steps = this.steps;
    const bind = <K extends PreparableOp>(op: K) =>
      ((...args: Parameters<Backend[K]>) => {
        steps.push(prepareOp(backend, op, ...args));
      }) as Backend[K];
    const recorder = Object.fromEntries(preparableOps.map((op) => [op, bind(op)])) as StepOps;
    for (let l = 0; l < c.nLayer; l++) {
      const lw = w.layers[l];
      block(recorder, c, lw, a, (out, x) =>
        attention(recorder, c, out, x, lw, a, (q, k, v) => {
          steps.push((position) => attendCached(backend, c, a, q, k, v, cache, l, position));
        }),
      );
    }
    finalNorm(recorder, c, a.xn, a.x, w); // [1, C]
    lmHead(recorder, a.logits, a.xn, w); // [1, C] → [1, V]
  }

  /**
   * True once the views the plan holds were detached by a memory grow (a non-shared WebAssembly memory
   * grown after the plan was made): make a new plan. Bound ops hold addresses, which a grow keeps.
   */
  get stale(): boolean {
    return this.a.x.data.length === 0;
  }

  /** Logits [V] of the token `ids[0]` at `position` (its keys and values appended to the cache). */
  run(ids: Int32Array, position: number): Float32Array {
    embed(this.backend, this.a.x, this.w, ids, position); // [1, C]
    for (const step of this.steps) step(position);
    return this.a.logits.data;
  }
}
