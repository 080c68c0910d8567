// Writing a safetensors file: [u64 LE header length N][N bytes of JSON, space-padded to a multiple of 8][data].

import { LlmfError } from '../errors';
import { sizeOf, type Tensor } from '../tensor';
import { f32ToBf16, f32ToF16 } from './dtype';

/** Options of writeSafetensors. */
export interface SafetensorsWriteOptions {
  /** Storage dtype of every tensor (default 'F32'); F16 and BF16 round to nearest even. */
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Strings stored under "__metadata__" (e.g. { format: 'pt' }). */
  metadata?: Record<string, string>;
}

/**
 * Serialise tensors to the safetensors format, in the given order, as one Uint8Array.
 * The JSON header is padded with spaces so the data section starts 8-byte aligned.
 * @example
 * const bytes = writeSafetensors({ 'wte.weight': tensor([[1, 2], [3, 4]]) }, { dtype: 'F16' });
 * readSafetensors(bytes).get('wte.weight')?.data // Float32Array [1, 2, 3, 4]
 */
export function writeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  o: SafetensorsWriteOptions = {},
): Uint8Array {
  const dtype = o.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `writeSafetensors: dtype must be 'F32', 'F16' or 'BF16', got ${String(dtype)}`,
    );
  }
  const bytesPerValue = dtype === 'F32' ? 4 : 2;
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);

  // subtle: a null prototype, so a tensor named "__proto__" is a key like any other
  const header: Record<string, unknown> = Object.create(null);
  if (o.metadata !== undefined) {
    for (const [k, v] of Object.entries(o.metadata)) {
      if (typeof v !== 'string') {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `writeSafetensors: metadata "${k}" must be a string, got ${typeof v}`,
        );
      }
    }
    header.__metadata__ = { ...o.metadata };
  }
  let offset = 0;
  for (const [name, t] of list) {
    if (typeof name !== 'string' || name === '' || name === '__metadata__') {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `writeSafetensors: ${JSON.stringify(name)} cannot be a tensor name`,
      );
    }
    if (Object.hasOwn(header, name))
      throw new LlmfError('INVALID_ARGUMENT', `writeSafetensors: tensor "${name}" is given twice`);
    if (
      t === null ||
      typeof t !== 'object' ||
      !(t.data instanceof Float32Array) ||
      t.data.length !== sizeOf(t.shape)
    ) {
      throw new LlmfError(
        'SHAPE_MISMATCH',
        `writeSafetensors: tensor "${name}" must be a Tensor whose data holds exactly the product of its shape`,
      );
    }
    const size = t.data.length * bytesPerValue;
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8; // pad with spaces: data starts 8-byte aligned
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);

  let pos = 8 + headerLength;
  for (const [, t] of list) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      if (dtype === 'F32') view.setFloat32(pos, d[i], true);
      else view.setUint16(pos, dtype === 'F16' ? f32ToF16(d[i]) : f32ToBf16(d[i]), true);
      pos += bytesPerValue;
    }
  }
  return out;
}
