// Argument checks at the op boundary, shared by the reference kernels and exported for other backends
// (runtime-wasm uses them before any pointer reaches a kernel). Every op validates its arguments here,
// at the op boundary, so a wrong shape fails with a message that names the op and the tensors instead of
// reading past the end of a buffer deep inside a loop.

import { LlmfError } from '../../errors';
import { type HalfTensor, isHalfTensor, type WeightTensor } from '../../half';
import { isPackedTensor } from '../../packed';
import { type Shape, sizeOf, type Tensor } from '../../tensor';

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
  const shape = t.shape;
  let n = 1; // sizeOf(shape), in the same pass (this runs on every op of every token)
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 0) {
      shapeError(op, `${name} has shape ${fmt(shape)}; dimensions must be non-negative integers`);
    }
    n *= d;
  }
  if (rank !== undefined && shape.length !== rank) {
    shapeError(op, `${name} must have ${rank} dimensions but has shape ${fmt(shape)}`);
  }
  if (data.length !== n) {
    if (n > 0 && data.byteLength === 0 && data.buffer.byteLength === 0) {
      // subtle: memory.grow detaches every typed array over the old buffer, including views taken with rows()
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `${op}: ${name} is a view of backend memory taken before the memory grew (detached by WebAssembly memory.grow); ` +
          'take views (rows, reshape) after allocating, or reserve() the memory up front',
      );
    }
    shapeError(op, `${name} has shape ${fmt(t.shape)} (${n} values) but its data holds ${data.length}`);
  }
}

/** `w` is an f32 tensor (as checkTensor) or a HalfTensor whose Uint16Array holds exactly sizeOf(shape) values. */
export function checkWeight(op: string, name: string, w: WeightTensor, rank?: number): void {
  if (isPackedTensor(w)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: ${name} is packed ('${w.packing}'); only the backend that packed it (its packLinear) reads it`,
    );
  }
  if (typeof w !== 'object' || w === null || !isHalfTensor(w)) {
    checkTensor(op, name, w as Tensor, rank);
    return;
  }
  const h: HalfTensor = w;
  if (!(h.data instanceof Uint16Array) || !Array.isArray(h.shape)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: ${name} is a half tensor (dtype '${h.dtype}') but its data is not a Uint16Array`,
    );
  }
  for (const d of h.shape) {
    if (!Number.isInteger(d) || d < 0)
      shapeError(op, `${name} has shape ${fmt(h.shape)}; dimensions must be non-negative integers`);
  }
  if (rank !== undefined && h.shape.length !== rank) {
    shapeError(op, `${name} must have ${rank} dimensions but has shape ${fmt(h.shape)}`);
  }
  if (h.data.length !== sizeOf(h.shape)) {
    shapeError(
      op,
      `${name} has shape ${fmt(h.shape)} (${sizeOf(h.shape)} values) but its data holds ${h.data.length}`,
    );
  }
}

/** `t` has exactly `shape`. */
export function checkShape(op: string, name: string, t: Tensor, shape: Shape): void {
  checkTensor(op, name, t);
  let same = t.shape.length === shape.length;
  for (let i = 0; same && i < shape.length; i++) same = t.shape[i] === shape[i];
  if (!same) shapeError(op, `${name} has shape ${fmt(t.shape)} but must be ${fmt(shape)}`);
}

/** Throw if the two tensors' memory overlaps (ops whose output may not alias an input). */
export function checkNoOverlap(
  op: string,
  outName: string,
  out: Tensor,
  inName: string,
  x: WeightTensor,
): void {
  const o = out.data;
  const d = x.data; // each read once: backend tensors may serve `data` through a getter
  if (o.buffer !== d.buffer) return;
  const a0 = o.byteOffset;
  const a1 = a0 + o.byteLength;
  const b0 = d.byteOffset;
  const b1 = b0 + d.byteLength;
  if (a0 < b1 && b0 < a1 && o.length > 0 && d.length > 0) {
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
