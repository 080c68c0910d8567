// Argument checks of the WASM backend, at the op boundary (before any pointer reaches a kernel): the same
// rules and error codes as the reference kernels, so a wrong shape fails with a message naming the op and
// the tensor instead of reading past the end of linear memory.

import { isHalfTensor, LlmfError, type Shape, sizeOf, type Tensor, type WeightTensor } from '@llmf/tensor';

/** `[2, 3]` → "[2, 3]" for messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Throw SHAPE_MISMATCH with the op's name in front. */
export function shapeError(op: string, message: string): never {
  throw new LlmfError('SHAPE_MISMATCH', `${op}: ${message}`);
}

/** `t` is a tensor whose data holds exactly sizeOf(shape) values, with `rank` dimensions if given. */
export function checkTensor(op: string, name: string, t: Tensor, rank?: number): void {
  if (typeof t !== 'object' || t === null || !Array.isArray(t.shape)) {
    throw new LlmfError('INVALID_ARGUMENT', `${op}: ${name} must be a Tensor { shape, data: Float32Array }`);
  }
  const data = t.data;
  if (!(data instanceof Float32Array)) {
    throw new LlmfError('INVALID_ARGUMENT', `${op}: ${name} must be a Tensor { shape, data: Float32Array }`);
  }
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) {
      shapeError(op, `${name} has shape ${fmt(t.shape)}; dimensions must be non-negative integers`);
    }
  }
  if (rank !== undefined && t.shape.length !== rank) {
    shapeError(op, `${name} must have ${rank} dimensions but has shape ${fmt(t.shape)}`);
  }
  const n = sizeOf(t.shape);
  if (data.length !== n) {
    if (n > 0 && data.byteLength === 0 && data.buffer.byteLength === 0) {
      // subtle: memory.grow detaches every typed array over the old buffer, including views taken with rows()
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `${op}: ${name} is a view of WebAssembly memory taken before the memory grew (detached); ` +
          'take views (rows, reshape) after allocating, or reserve() the memory up front',
      );
    }
    shapeError(op, `${name} has shape ${fmt(t.shape)} (${n} values) but its data holds ${data.length}`);
  }
}

/** `w` is an f32 tensor (as checkTensor) or a HalfTensor whose Uint16Array holds exactly sizeOf(shape) values. */
export function checkWeight(op: string, name: string, w: WeightTensor, rank?: number): void {
  if (typeof w !== 'object' || w === null || !isHalfTensor(w)) {
    checkTensor(op, name, w as Tensor, rank);
    return;
  }
  const data = w.data;
  if (!(data instanceof Uint16Array) || !Array.isArray(w.shape)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: ${name} is a half tensor (dtype '${w.dtype}') but its data is not a Uint16Array`,
    );
  }
  for (const d of w.shape) {
    if (!Number.isInteger(d) || d < 0) {
      shapeError(op, `${name} has shape ${fmt(w.shape)}; dimensions must be non-negative integers`);
    }
  }
  if (rank !== undefined && w.shape.length !== rank) {
    shapeError(op, `${name} must have ${rank} dimensions but has shape ${fmt(w.shape)}`);
  }
  const n = sizeOf(w.shape);
  if (data.length !== n) {
    shapeError(op, `${name} has shape ${fmt(w.shape)} (${n} values) but its data holds ${data.length}`);
  }
}

/** `t` has exactly `shape`. */
export function checkShape(op: string, name: string, t: Tensor, shape: Shape): void {
  checkTensor(op, name, t);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    shapeError(op, `${name} has shape ${fmt(t.shape)} but must be ${fmt(shape)}`);
  }
}

/** Throw if the two tensors' memory overlaps (ops whose output may not alias an input). */
export function checkNoOverlap(
  op: string,
  outName: string,
  out: Tensor,
  inName: string,
  x: WeightTensor,
): void {
  const a = out.data;
  const b = x.data;
  if (a.buffer !== b.buffer) return;
  const a0 = a.byteOffset;
  const a1 = a0 + a.byteLength;
  const b0 = b.byteOffset;
  const b1 = b0 + b.byteLength;
  if (a0 < b1 && b0 < a1 && a.length > 0 && b.length > 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: ${outName} must not share memory with ${inName}; write into a separate tensor`,
    );
  }
}

/** A finite number (for scalars such as eps, scale, theta). */
export function checkNumber(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new LlmfError('INVALID_ARGUMENT', `${op}: ${name} must be a finite number, got ${String(v)}`);
  }
}

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
