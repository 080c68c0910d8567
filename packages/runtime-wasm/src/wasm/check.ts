// Argument checks of the WASM backend, at the op boundary (before any pointer reaches a kernel). The
// shared ones are @llmf/tensor's, so both backends give the same rules, codes and messages; the helpers
// below are the ones only this backend's glue needs.

import { checkTensor, formatShape as fmt, LlmfError, shapeError, type Tensor } from '@llmf/tensor';

export {
  checkNoOverlap,
  checkNumber,
  checkShape,
  checkTensor,
  checkWeight,
  formatShape as fmt,
  shapeError,
} from '@llmf/tensor';

/** The length of b's repeating period over a (add, mul): a's size (same shape) or a's last dimension C. */
export function broadcastPeriod(op: string, a: Tensor, b: Tensor): number {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (sameShape) return a.data.length;
  const C = a.shape.length === 0 ? 1 : a.shape[a.shape.length - 1];
  const isRow = b.shape.length >= 1 && b.shape[b.shape.length - 1] === C && b.data.length === C;
  if (!isRow) {
    shapeError(
      op,
      `b ${fmt(b.shape)} must have a's shape ${fmt(a.shape)} or be one row [${C}] over a's last dimension`,
    );
  }
  return C;
}

/** The last dimension of x (norms); x must have at least one. */
export function lastDim(op: string, x: Tensor): number {
  checkTensor(op, 'x', x);
  if (x.shape.length === 0) shapeError(op, `x must have at least one dimension, got ${fmt(x.shape)}`);
  return x.shape[x.shape.length - 1];
}

/** usage is 'weights' or 'compute'. */
export function checkUsage(op: string, usage: unknown): void {
  if (usage !== 'weights' && usage !== 'compute') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: usage must be 'weights' or 'compute', got ${String(usage)}`,
    );
  }
}
