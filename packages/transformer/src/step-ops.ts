// The ops a block runs on the same tensors at every decode step: norms, linears, residual adds and
// activations. Model code calls them through a StepOps: the backend itself when it runs a call, or a
// DecodePlan's recorder, which binds each one once (plan.ts).

import type { Backend, PreparableOp } from '@llmf/tensor';

/** The preparable ops of a Backend (a Backend is one). */
export type StepOps = Pick<Backend, PreparableOp>;
