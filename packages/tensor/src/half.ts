// Half-precision weights: a weight matrix may stay as its checkpoint stored it (F16 or BF16, 2 bytes a
// value) and be widened to f32 only inside the kernels that read it (linear's w, embedding's table), which
// accumulate in f32. Half the bytes read per decoded token; the values are exactly the stored ones.
//   f16:  1 sign, 5 exponent (bias 15), 10 mantissa bits   (IEEE 754 binary16)
//   bf16: the top 16 bits of an f32                         (1 sign, 8 exponent, 7 mantissa bits)

import { LlmfError } from './errors';
import { isPackedTensor, type PackedTensor } from './packed';
import { bf16ToF32, f16ToF32 } from './safetensors/dtype';
import { type Shape, sizeOf, type Tensor } from './tensor';

/** Storage of a half-precision weight tensor. */
export type HalfDtype = 'f16' | 'bf16';

/** A weight tensor kept in half precision: `data` holds the raw 16-bit patterns, row-major, sizeOf(shape) of them. */
export interface HalfTensor {
  readonly shape: Shape;
  readonly dtype: HalfDtype;
  readonly data: Uint16Array;
}

/**
 * What `Backend.linear` (w) and `Backend.embedding` (table) accept: an f32 Tensor or a HalfTensor; a backend
 * with `packLinear` also takes the PackedTensor it made.
 */
export type WeightTensor = Tensor | HalfTensor | PackedTensor;

/** True when `t` is a half-precision weight tensor (it has a `dtype` of 'f16' or 'bf16'). */
export function isHalfTensor(t: WeightTensor): t is HalfTensor {
  const dtype = (t as { dtype?: unknown }).dtype;
  return dtype === 'f16' || dtype === 'bf16';
}

/**
 * Make a half tensor from its 16-bit patterns.
 * @example halfTensor(Uint16Array.of(0x3c00, 0xc000), [1, 2], 'f16') // values [1, −2]
 */
export function halfTensor(bits: Uint16Array, shape: Shape, dtype: HalfDtype): HalfTensor {
  if (dtype !== 'f16' && dtype !== 'bf16') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `halfTensor: dtype must be 'f16' or 'bf16', got ${String(dtype)}`,
    );
  }
  if (!(bits instanceof Uint16Array)) {
    throw new LlmfError('INVALID_ARGUMENT', 'halfTensor: bits must be a Uint16Array of 16-bit patterns');
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(shape) !== bits.length) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `halfTensor: shape [${shape.join(', ')}] does not hold the ${bits.length} values given`,
    );
  }
  return { shape: Object.freeze([...shape]), dtype, data: bits };
}

/** The f32 value of one stored 16-bit pattern. */
export function halfToF32(bits: number, dtype: HalfDtype): number {
  return dtype === 'f16' ? f16ToF32(bits) : bf16ToF32(bits);
}

/** The values of a weight tensor as an f32 Tensor: a half tensor widened (exact), an f32 tensor as it is. */
export function widenWeights(t: WeightTensor): Tensor {
  if (isPackedTensor(t)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `widenWeights: the tensor is packed ('${t.packing}'); only the backend that packed it reads it`,
    );
  }
  if (!isHalfTensor(t)) return t;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = halfToF32(t.data[i], t.dtype);
  return { shape: t.shape, data: out };
}
