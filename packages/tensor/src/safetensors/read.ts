// Reading tensors out of a safetensors file's bytes: raw (as stored, no copy) or converted to f32.

import { LlmfError } from '../errors';
import type { Tensor } from '../tensor';
import { bf16BytesToF32, f8e4m3ToF32, f8e5m2ToF32, f16BytesToF32, f32BytesToF32 } from './dtype';
import { parseSafetensorsHeader, type SafetensorsEntry, type SafetensorsReadOptions } from './header';

/** The stored bytes of one tensor: a view into `bytes`, no copy, no conversion (e.g. to upload F16 weights as they are). */
export function readTensorRaw(bytes: Uint8Array, entry: SafetensorsEntry): Uint8Array {
  if (entry.begin < 0 || entry.end > bytes.byteLength || entry.end < entry.begin) {
    throw new LlmfError(
      'MODEL_FORMAT',
      `tensor "${entry.name}" spans bytes ${entry.begin}..${entry.end} but the file has ${bytes.byteLength}; was the entry parsed from these bytes?`,
    );
  }
  return bytes.subarray(entry.begin, entry.end);
}

/**
 * One tensor converted to f32 (a fresh copy). F32, F16 and BF16 are exact conversions; F64, integer and
 * BOOL tensors are converted to the nearest f32, F8 (e4m3fn, e5m2) exactly. An entry with a dtype outside the
 * format throws LlmfError 'UNSUPPORTED'.
 */
export function readTensor(bytes: Uint8Array, entry: SafetensorsEntry): Tensor {
  const raw = readTensorRaw(bytes, entry);
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const shape = Object.freeze([...entry.shape]);
  switch (entry.dtype) {
    case 'F32':
      return { shape, data: f32BytesToF32(raw) };
    case 'F16':
      return { shape, data: f16BytesToF32(raw) };
    case 'BF16':
      return { shape, data: bf16BytesToF32(raw) };
    case 'F64':
    case 'I64':
    case 'U64':
    case 'I32':
    case 'U32':
    case 'I16':
    case 'U16':
    case 'I8':
    case 'U8':
    case 'BOOL':
      return { shape, data: readNumeric(raw, entry.dtype, n) };
    case 'F8_E4M3':
      return { shape, data: Float32Array.from(raw, f8e4m3ToF32) };
    case 'F8_E5M2':
      return { shape, data: Float32Array.from(raw, f8e5m2ToF32) };
    default:
      throw new LlmfError(
        'UNSUPPORTED',
        `tensor "${entry.name}" is stored as ${String(entry.dtype)}, which @llmf cannot convert; convert the checkpoint to F32, F16 or BF16`,
      );
  }
}

function readNumeric(raw: Uint8Array, dtype: string, n: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'F64':
        out[i] = view.getFloat64(8 * i, true);
        break;
      case 'I64':
        out[i] = Number(view.getBigInt64(8 * i, true));
        break;
      case 'U64':
        out[i] = Number(view.getBigUint64(8 * i, true));
        break;
      case 'I32':
        out[i] = view.getInt32(4 * i, true);
        break;
      case 'U32':
        out[i] = view.getUint32(4 * i, true);
        break;
      case 'I16':
        out[i] = view.getInt16(2 * i, true);
        break;
      case 'U16':
        out[i] = view.getUint16(2 * i, true);
        break;
      case 'I8':
        out[i] = view.getInt8(i);
        break;
      default: // U8, BOOL
        out[i] = view.getUint8(i);
    }
  }
  return out;
}

/**
 * Read every tensor of a safetensors file as f32 (F32, F16, BF16 → f32; also F64 and integer dtypes).
 * The header is validated first (see parseSafetensorsHeader); every failure is an LlmfError 'MODEL_FORMAT'
 * that names the tensor. The result never shares memory with `bytes`.
 * @example
 * const weights = readSafetensors(new Uint8Array(await readFile('model.safetensors')));
 * weights.get('wte.weight')?.shape // [1025, 64]
 */
export function readSafetensors(bytes: Uint8Array, o: SafetensorsReadOptions = {}): Map<string, Tensor> {
  const header = parseSafetensorsHeader(bytes, o);
  const out = new Map<string, Tensor>();
  for (const entry of header.entries) out.set(entry.name, readTensor(bytes, entry));
  return out;
}
