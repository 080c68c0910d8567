// The safetensors layout:
//   [8 bytes: N, u64 little-endian] [N bytes: JSON header, UTF-8] [data section]
// The header maps tensor names to { dtype, shape, data_offsets: [begin, end] } with offsets relative
// to the data section, plus an optional "__metadata__": { string: string }.
// Everything here is validated before any offset is used, so a corrupt or truncated file fails with a
// message naming the tensor instead of reading garbage.

import { LlmfError } from '../errors';
import { dtypeSizes, isSafetensorsDtype, type SafetensorsDtype } from './dtype';

/** One tensor of a safetensors file, located in the file's bytes. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte offset of the first byte of the tensor in the file (8 + N + data_offsets[0]). */
  readonly begin: number;
  /** Absolute byte offset one past the last byte (8 + N + data_offsets[1]). */
  readonly end: number;
}

/** The parsed, validated header of a safetensors file. */
export interface SafetensorsHeader {
  /** Tensors in header order. */
  readonly entries: readonly SafetensorsEntry[];
  /** The "__metadata__" strings ({} if absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Absolute offset of the data section (8 + N). */
  readonly dataOffset: number;
}

/** Options shared by the readers. */
export interface SafetensorsReadOptions {
  /** File name used in error messages (default "safetensors"). */
  fileName?: string;
}

/** Options of {@link parseSafetensorsHeader}. */
export interface SafetensorsHeaderOptions extends SafetensorsReadOptions {
  /**
   * The file's total size in bytes, when `bytes` holds only its beginning: at least the first 8 + N bytes
   * (the length field and the JSON header). Offsets are then validated against this size instead of
   * `bytes.byteLength`. Default: `bytes` is the whole file.
   */
  fileSize?: number;
}

/** Headers above this size are refused (the reference implementation's limit): a corrupt length would otherwise allocate gigabytes. */
export const MAX_HEADER_BYTES = 100_000_000;

function formatError(file: string, message: string): LlmfError {
  return new LlmfError('MODEL_FORMAT', `${file}: ${message}`);
}

/** Only part of the file was given (with fileSize) and it stops before the header does: the caller's mistake. */
function headTooShort(file: string, got: number, need: number): LlmfError {
  return new LlmfError(
    'INVALID_ARGUMENT',
    `${file}: ${got} bytes were given with fileSize, but the header needs the first ${need} (8 + its length field); read at least those`,
  );
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parse and validate the header of a safetensors file without touching tensor data. `bytes` is the whole
 * file, or, with `o.fileSize`, only its first 8 + N bytes (or more) — a loader can read just the header.
 * Checks: the header length fits in the file, the header is a UTF-8 JSON object, every entry has a known
 * dtype, a shape of non-negative integers and offsets [begin, end] with end − begin = elements · dtype size,
 * inside the data section, with no two tensors overlapping. Throws LlmfError 'MODEL_FORMAT' otherwise, and
 * 'INVALID_ARGUMENT' for a `fileSize` that is not an integer ≥ bytes.byteLength or `bytes` that stop
 * before the end of the header.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  o: SafetensorsHeaderOptions = {},
): SafetensorsHeader {
  const file = o.fileName ?? 'safetensors';
  if (!(bytes instanceof Uint8Array)) {
    throw new LlmfError('INVALID_ARGUMENT', `${file}: expected the file's bytes as a Uint8Array`);
  }
  const fileSize = o.fileSize ?? bytes.byteLength;
  if (!Number.isSafeInteger(fileSize) || fileSize < bytes.byteLength) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${file}: fileSize is ${String(o.fileSize)}; pass the file's total size in bytes, an integer ≥ the ${bytes.byteLength} bytes given`,
    );
  }
  if (fileSize < 8) {
    throw formatError(
      file,
      `the file has ${fileSize} bytes, fewer than the 8-byte header length (empty or truncated download?)`,
    );
  }
  if (bytes.byteLength < 8) throw headTooShort(file, bytes.byteLength, 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > fileSize - 8) {
    throw formatError(
      file,
      `the header length field says ${headerLength} bytes but the file has only ${fileSize - 8} after it (truncated download, or not a safetensors file?)`,
    );
  }
  if (headerLength > MAX_HEADER_BYTES) {
    throw formatError(
      file,
      `the header is ${headerLength} bytes, above the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`,
    );
  }
  if (bytes.byteLength < 8 + headerLength) throw headTooShort(file, bytes.byteLength, 8 + headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw formatError(file, 'the header is not valid UTF-8 (not a safetensors file?)');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const preview = text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
    throw formatError(
      file,
      `the header is not valid JSON (${(e as Error).message}); it starts with "${preview}"`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw formatError(
      file,
      'the header must be a JSON object mapping tensor names to { dtype, shape, data_offsets }',
    );
  }

  const dataOffset = 8 + headerLength;
  const dataLength = fileSize - dataOffset;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(file, value);
      continue;
    }
    entries.push(parseEntry(file, name, value, dataOffset, dataLength));
  }
  checkNoOverlap(file, entries);
  return { entries, metadata, dataOffset };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw formatError(file, '"__metadata__" must be an object of strings');
  }
  // subtle: a null prototype, so a key "__proto__" is kept like any other
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw formatError(file, `"__metadata__"."${k}" must be a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function parseEntry(
  file: string,
  name: string,
  value: unknown,
  dataOffset: number,
  dataLength: number,
): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw formatError(file, `${where} must be an object { dtype, shape, data_offsets }`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) {
    throw formatError(
      file,
      `${where} has unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(dtypeSizes).join(', ')}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw formatError(
      file,
      `${where} has shape ${JSON.stringify(shape)}; a shape is a list of non-negative integers`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw formatError(
      file,
      `${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] as non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw formatError(file, `${where} has data_offsets [${begin}, ${end}] that end before they begin`);
  let elements = 1;
  for (const d of shape as number[]) elements *= d;
  const expectedBytes = elements * dtypeSizes[dtype];
  if (!Number.isSafeInteger(expectedBytes))
    throw formatError(file, `${where} has shape [${shape.join(', ')}], too large to load`);
  if (end - begin !== expectedBytes) {
    throw formatError(
      file,
      `${where} has ${end - begin} bytes (data_offsets [${begin}, ${end}]) but shape [${shape.join(', ')}] of ${dtype} needs ${expectedBytes}`,
    );
  }
  if (end > dataLength) {
    throw formatError(
      file,
      `${where} ends at byte ${end} but the file's data section has ${dataLength} bytes (truncated download?)`,
    );
  }
  return {
    name,
    dtype,
    shape: Object.freeze([...(shape as number[])]),
    begin: dataOffset + begin,
    end: dataOffset + end,
  };
}

function checkNoOverlap(file: string, entries: readonly SafetensorsEntry[]): void {
  // empty tensors occupy no bytes and cannot overlap anything
  const sorted = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw formatError(
        file,
        `tensors "${prev.name}" and "${cur.name}" overlap (bytes ${prev.begin}..${prev.end} and ${cur.begin}..${cur.end} of the file)`,
      );
    }
  }
}
