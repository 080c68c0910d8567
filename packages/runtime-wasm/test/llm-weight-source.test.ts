// Loading weights tensor by tensor: from a directory each tensor is read from its byte range (the file is
// never read whole), F32/F16/BF16 convert exactly as readSafetensors does, and a damaged file on disk is a
// typed error before any tensor is read.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@llmf/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/index';
import type { RandomAccessFile } from '../src/model-files';
import { openWeightSource } from '../src/weight-source';
import { expectLlmfError, filesOf, fixtures, gpt2 } from './llm-helpers';

const scratch = join(tmpdir(), `llmf-weights-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A file in memory behind the by-range interface, recording the size of every read. */
function rangeFile(bytes: Uint8Array) {
  const reads: number[] = [];
  const file: RandomAccessFile = {
    size: bytes.byteLength,
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
      // the length field, then header (from byte 0 again) and every tensor once
      expect(reads.reduce((a, b) => a + b, 0)).toBe(8 + bytes.byteLength);
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
});
