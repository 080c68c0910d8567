// Loading weights tensor by tensor: from a directory each tensor is read from its byte range (the file is
// never read whole), F32/F16/BF16 convert exactly as readSafetensors does, and a damaged file on disk is a
// typed error before any tensor is read.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_HEADER_BYTES, readSafetensors, tensor, writeSafetensors } from '@llmf/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/index';
import type { RandomAccessFile } from '../src/model-files';
import { openWeightSource } from '../src/weight-source';
import { expectLlmfError, filesOf, fixtures, gpt2 } from './llm-helpers';

const scratch = join(tmpdir(), `llmf-weights-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A file in memory behind the by-range interface, recording the size of every read; `size` may claim more. */
function rangeFile(bytes: Uint8Array, size = bytes.byteLength) {
  const reads: number[] = [];
  const file: RandomAccessFile = {
    size,
    read(position, into) {
      const n = Math.max(0, Math.min(into.byteLength, bytes.byteLength - position));
      into.set(bytes.subarray(position, position + n));
      reads.push(n);
      return n;
    },
    close() {},
  };
  return { file, reads };
}

describe('weights read by byte range', () => {
  it.each(fixtures.map((f) => [f.name, f.dir]))(
    '%s: every tensor equals readSafetensors; reads are tensor-sized and cover the file once',
    async (_, dir) => {
      const bytes = new Uint8Array(readFileSync(join(dir, 'model.safetensors')));
      const expected = readSafetensors(bytes);
      const { file, reads } = rangeFile(bytes);
      let reported = 0;
      const source = await openWeightSource({ single: { file, onBytes: (n) => (reported += n) } });
      const headerReads = reads.length;
      let largest = 0;
      for (const { name, shape } of source.entries) {
        const t = expected.get(name);
        expect(t?.shape).toEqual(shape);
        const out = new Float32Array(t?.data.length ?? 0);
        source.readInto(name, out);
        expect(out).toEqual(t?.data);
        largest = Math.max(largest, out.length * 4);
      }
      const tensorReads = reads.slice(headerReads);
      expect(Math.max(...tensorReads)).toBeLessThanOrEqual(largest); // never the whole file at once
      // the length field, the header after it, then every tensor once: each byte is read once
      expect(reads.reduce((a, b) => a + b, 0)).toBe(bytes.byteLength);
      expect(reported).toBe(bytes.byteLength);
      source.close();
    },
  );

  it('a truncated or corrupt model.safetensors on disk is a MODEL_FORMAT error', async () => {
    const files = filesOf(gpt2.dir);
    const weights = files['model.safetensors'];
    const dir = join(scratch, 'truncated');
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const header = new Uint8Array(weights.slice(0, 16));
    header.fill(0x7b, 8); // '{{{{{{{{': not JSON
    const corrupt = new Uint8Array(weights);
    corrupt.set(header);
    for (const bad of [
      weights.slice(0, 0),
      weights.slice(0, 5),
      weights.slice(0, 100),
      weights.slice(0, -1000),
      corrupt,
    ]) {
      writeFileSync(join(dir, 'model.safetensors'), bad);
      await expectLlmfError(() => loadModel(dir, { backend: 'js' }), 'MODEL_FORMAT', /model\.safetensors/);
    }
  });

  it('only the header is read and held: a file claiming 2^45 bytes (no buffer that size could exist) opens', async () => {
    const bytes = writeSafetensors({ w: tensor([1, 2]) });
    const size = 2 ** 45;
    const { file, reads } = rangeFile(bytes, size);
    const source = await openWeightSource({ single: { file } });
    expect(source.entries).toEqual([{ name: 'w', shape: [2], dtype: 'F32' }]);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(bytes.byteLength - 8); // the length field, then the header
    const out = new Float32Array(2);
    source.readInto('w', out);
    expect(out).toEqual(new Float32Array([1, 2]));
  });

  it('offsets are checked against the file size: a tensor past the end is MODEL_FORMAT before any tensor is read', async () => {
    const bytes = writeSafetensors({ w: tensor([1, 2]) });
    const { file, reads } = rangeFile(bytes, bytes.byteLength - 1);
    await expectLlmfError(
      () => openWeightSource({ single: { file } }),
      'MODEL_FORMAT',
      /^model\.safetensors: tensor "w" ends at byte 8 but the file's data section has 7 bytes/,
    );
    expect(reads.reduce((a, b) => a + b, 0)).toBe(bytes.byteLength - 8);
  });

  it('a header length past the end of the file or above the limit is refused after reading only the length field', async () => {
    for (const [declared, message] of [
      [2 ** 40, /header length field says 1099511627776 bytes but the file has only/],
      [MAX_HEADER_BYTES + 1, /above the 100000000-byte limit/],
    ] as const) {
      const bytes = new Uint8Array(16);
      new DataView(bytes.buffer).setUint32(0, declared % 2 ** 32, true);
      new DataView(bytes.buffer).setUint32(4, Math.floor(declared / 2 ** 32), true);
      const { file, reads } = rangeFile(bytes, 2 ** 39); // 512 GiB: holds the limit, not 2^40
      await expectLlmfError(() => openWeightSource({ single: { file } }), 'MODEL_FORMAT', message);
      expect(reads).toEqual([8]);
    }
  });
});
