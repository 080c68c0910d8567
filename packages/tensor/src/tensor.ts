// Tensor: a shape and a contiguous, row-major Float32Array (outermost dimension first, PyTorch order).
// The data may be a view into a larger buffer (a KV cache row range, WebAssembly linear memory):
// backends use data.buffer / data.byteOffset to find it, so a Tensor never owns more than its view.

import { LlmfError } from './errors';

/** Dimensions, outermost first (PyTorch order): [T, C] is T rows of C values. */
export type Shape = readonly number[];

/** A shape and its values: a contiguous, row-major Float32Array of exactly sizeOf(shape) elements (possibly a view). */
export interface Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;
}

/** Number of elements of a shape: the product of its dimensions (1 for a scalar []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `tensor shape [${shape.join(', ')}] must hold non-negative integers`,
      );
    }
  }
}

/**
 * Make a tensor from numbers, nested arrays or a Float32Array.
 * @example tensor([[1, 2], [3, 4]]).shape // [2, 2]
 * @example tensor(new Float32Array(6), [2, 3])
 */
export function tensor(data: number[] | number[][] | Float32Array, shape?: Shape): Tensor {
  let flat: Float32Array;
  let inferred: number[];
  if (data instanceof Float32Array) {
    flat = data;
    inferred = [data.length];
  } else if (Array.isArray(data) && data.length > 0 && Array.isArray(data[0])) {
    const rows = data as number[][];
    const cols = rows[0]!.length;
    flat = new Float32Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new LlmfError('SHAPE_MISMATCH', `tensor: row ${i} has ${row?.length} values, expected ${cols}`);
      }
      flat.set(row, i * cols);
    });
    inferred = [rows.length, cols];
  } else if (Array.isArray(data)) {
    flat = Float32Array.from(data as number[]);
    inferred = [flat.length];
  } else {
    throw new LlmfError('INVALID_ARGUMENT', 'tensor: data must be a number[], number[][] or Float32Array');
  }
  const finalShape = shape ? [...shape] : inferred;
  checkShape(finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `tensor: shape [${finalShape.join(', ')}] holds ${sizeOf(finalShape)} values but data has ${flat.length}`,
    );
  }
  return { shape: Object.freeze(finalShape), data: flat };
}

/** A zero-filled tensor of the given shape. */
export function zeros(shape: Shape): Tensor {
  checkShape(shape);
  return { shape: Object.freeze([...shape]), data: new Float32Array(sizeOf(shape)) };
}

/** A view of rows [start, end) of the outermost dimension; shares memory with `t`. */
export function rows(t: Tensor, start: number, end: number): Tensor {
  const count = t.shape.length === 0 ? 1 : t.shape[0];
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > count) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `rows: [${start}, ${end}) is not a row range of a tensor with ${count} rows`,
    );
  }
  const shape = [end - start];
  let rowSize = 1;
  for (let i = 1; i < t.shape.length; i++) {
    shape.push(t.shape[i]);
    rowSize *= t.shape[i];
  }
  return { shape: Object.freeze(shape), data: t.data.subarray(start * rowSize, end * rowSize) };
}

/** The same data seen with another shape of equal size (no copy). */
export function reshape(t: Tensor, shape: Shape): Tensor {
  checkShape(shape);
  if (sizeOf(shape) !== t.data.length) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `reshape: cannot view ${t.data.length} values as [${shape.join(', ')}]`,
    );
  }
  return { shape: Object.freeze([...shape]), data: t.data };
}
