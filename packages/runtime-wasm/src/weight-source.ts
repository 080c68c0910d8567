// The checkpoint's weights as a TensorSource (@llmf/transformer): every tensor's name and shape from the
// safetensors headers first, then each tensor's values read on demand, straight into the buffer the loader
// gives (backend memory for tensors used as stored). From a directory on disk each tensor is read from its
// byte range of the file, so the host never holds the file; other sources (URL, ModelFiles) hold the file's
// bytes while loading and convert one tensor at a time out of them.
//   model.safetensors: [8-byte header length N][N bytes of JSON header][data: tensor bytes at their offsets]

import {
  bf16BytesToF32,
  f16BytesToF32,
  LlmfError,
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  parseSafetensorsIndex,
  readTensor,
  type SafetensorsEntry,
} from '@llmf/tensor';
import { ModelFormatError, type TensorSource } from '@llmf/transformer';
import type { RandomAccessFile } from './model-files';

/** Where a file's bytes come from: all of them in memory, or read by range from an open file (reporting bytes read). */
export type WeightFile = { bytes: Uint8Array } | { file: RandomAccessFile; onBytes?(n: number): void };

/** A single model.safetensors, or an index (its text) with a way to open each shard. */
export type WeightLayout =
  | { single: WeightFile }
  | { index: string; open(shard: string): Promise<WeightFile> };

/** The weights of a checkpoint, read tensor by tensor; `close()` releases open files. */
export interface WeightSource extends TensorSource {
  /** Bytes of every tensor as f32 (what the backend holds once loaded). */
  readonly f32Bytes: number;
  /** Bytes the backend holds with weights 'half': F16 / BF16 matrices at 2 bytes a value, the rest (and wpe) f32. */
  readonly halfBytes: number;
  close(): void;
}

const WEIGHTS_INDEX = 'model.safetensors.index.json';

interface Located {
  entry: SafetensorsEntry;
  from: WeightFile;
  fileName: string;
}

/**
 * The weights of a single file or of an index's shards. Headers (and the index against the shards) are
 * checked here, before any tensor is read. On error every opened file is closed.
 */
export async function openWeightSource(layout: WeightLayout): Promise<WeightSource> {
  const tensors = new Map<string, Located>();
  const opened: WeightFile[] = [];
  const close = () => {
    for (const f of opened) if ('file' in f) f.file.close();
  };
  try {
    if ('single' in layout) {
      const from = layout.single;
      const fileName = 'model.safetensors';
      opened.push(from);
      for (const entry of headerOf(from, fileName).entries)
        tensors.set(entry.name, { entry, from, fileName });
    } else {
      const { weightMap, files } = parseSafetensorsIndex(layout.index);
      for (const shard of files) {
        const from = await layout.open(shard);
        opened.push(from);
        const inShard = new Set<string>();
        for (const entry of headerOf(from, shard).entries) {
          inShard.add(entry.name);
          const listed = Object.hasOwn(weightMap, entry.name) ? weightMap[entry.name] : undefined;
          if (listed !== shard) {
            throw new ModelFormatError(
              `${shard}: holds tensor "${entry.name}" but ${WEIGHTS_INDEX} ${listed === undefined ? 'does not list it' : `puts it in ${listed}`}`,
            );
          }
          tensors.set(entry.name, { entry, from, fileName: shard });
        }
        for (const [name, file] of Object.entries(weightMap)) {
          if (file === shard && !inShard.has(name)) {
            throw new ModelFormatError(
              `${shard}: ${WEIGHTS_INDEX} lists tensor "${name}" here but the shard does not hold it (incomplete download?)`,
            );
          }
        }
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  let f32Bytes = 0;
  let halfBytes = 0;
  for (const { entry } of tensors.values()) {
    const n = entry.shape.reduce((a, b) => a * b, 1);
    f32Bytes += 4 * n;
    const keptHalf =
      (entry.dtype === 'F16' || entry.dtype === 'BF16') &&
      entry.shape.length === 2 &&
      !entry.name.endsWith('wpe.weight');
    halfBytes += (keptHalf ? 2 : 4) * n;
  }
  return {
    entries: [...tensors.values()].map(({ entry }) => ({
      name: entry.name,
      shape: entry.shape,
      dtype: entry.dtype,
    })),
    f32Bytes,
    halfBytes,
    close,
    readHalfInto(name, out) {
      const located = tensors.get(name);
      if (located === undefined)
        throw new LlmfError('INVALID_ARGUMENT', `no tensor "${name}" in the checkpoint`);
      readHalfEntry(located, out);
      if ('file' in located.from) located.from.onBytes?.(located.entry.end - located.entry.begin);
    },
    readInto(name, out) {
      const located = tensors.get(name);
      if (located === undefined)
        throw new LlmfError('INVALID_ARGUMENT', `no tensor "${name}" in the checkpoint`);
      readEntry(located, out);
      if ('file' in located.from) located.from.onBytes?.(located.entry.end - located.entry.begin);
    },
  };
}

/** The validated header of a file, from its bytes or from its first 8 + N bytes and its size (stat). */
function headerOf(from: WeightFile, fileName: string) {
  if ('bytes' in from) return parseSafetensorsHeader(from.bytes, { fileName });
  const { file } = from;
  const fileSize = file.size;
  const options = { fileName, fileSize };
  if (fileSize < 8) return parseSafetensorsHeader(new Uint8Array(0), options); // its "fewer than 8 bytes" error
  const lengthBytes = new Uint8Array(8);
  readFully(file, 0, lengthBytes, fileName);
  const view = new DataView(lengthBytes.buffer);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  // a length past the end of the file or above the limit is refused from the length field alone (MODEL_FORMAT),
  // before anything of that size is allocated or read
  if (headerLength > Math.min(fileSize - 8, MAX_HEADER_BYTES))
    return parseSafetensorsHeader(lengthBytes, options);
  // [8-byte length N][N bytes of JSON]: only these are read; offsets are checked against the file's size
  const head = new Uint8Array(8 + headerLength);
  head.set(lengthBytes);
  readFully(file, 8, head.subarray(8), fileName);
  from.onBytes?.(8 + headerLength);
  return parseSafetensorsHeader(head, options);
}

/** Read bytes [position, position + into.length) of `file` into `into`. */
function readFully(file: RandomAccessFile, position: number, into: Uint8Array, fileName: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = file.read(position + done, into.subarray(done));
    if (n === 0) {
      throw new ModelFormatError(
        `${fileName} ended after ${position + done} bytes while reading it; did it change during loading?`,
      );
    }
    done += n;
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** out ← the tensor's values as f32: F32 bytes land in `out` as they are; F16, BF16 are widened; others converted. */
function readEntry({ entry, from, fileName }: Located, out: Float32Array): void {
  const length = entry.end - entry.begin;
  const n = entry.shape.reduce((a, b) => a * b, 1);
  if (out.length !== n) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `readInto("${entry.name}"): out holds ${out.length} values, the tensor [${entry.shape.join(', ')}] ${n}`,
    );
  }
  if (entry.dtype === 'F32' && littleEndian) {
    // f32 little-endian on disk = f32 in memory: the file's bytes go straight into out
    const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if ('bytes' in from) target.set(from.bytes.subarray(entry.begin, entry.end));
    else readFully(from.file, entry.begin, target, fileName);
    return;
  }
  let raw: Uint8Array;
  if ('bytes' in from) raw = from.bytes.subarray(entry.begin, entry.end);
  else {
    raw = new Uint8Array(length); // the stored bytes of this tensor only
    readFully(from.file, entry.begin, raw, fileName);
  }
  const into = out as Float32Array<ArrayBuffer>; // (the converters only index into it; shared memory is fine)
  if (entry.dtype === 'F16') f16BytesToF32(raw, into);
  else if (entry.dtype === 'BF16') bf16BytesToF32(raw, into);
  else out.set(readTensor(raw, { ...entry, begin: 0, end: length }).data); // F64, integers, F8, big-endian F32
}

/** out ← the stored 16-bit patterns of an F16 / BF16 tensor (little-endian on disk), as they are. */
function readHalfEntry({ entry, from, fileName }: Located, out: Uint16Array): void {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.dtype !== 'F16' && entry.dtype !== 'BF16') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `readHalfInto("${entry.name}"): the tensor is stored ${entry.dtype}, not F16 or BF16`,
    );
  }
  if (out.length !== n) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `readHalfInto("${entry.name}"): out holds ${out.length} values, the tensor [${entry.shape.join(', ')}] ${n}`,
    );
  }
  const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if ('bytes' in from) target.set(from.bytes.subarray(entry.begin, entry.end));
  else readFully(from.file, entry.begin, target, fileName);
  if (!littleEndian) for (let i = 0; i < n; i++) out[i] = ((out[i] & 0xff) << 8) | (out[i] >>> 8);
}
