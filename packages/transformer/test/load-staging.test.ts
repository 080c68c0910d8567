// Loading from a TensorSource reads every split or transposed checkpoint tensor (GPT-2's Conv1D weights,
// c_attn's bias) into ONE host staging buffer, sized to the largest of them and reused, rather than a new
// buffer per tensor (garbage that raised GPT-2 124M's peak RSS by ~40 MiB before the collector ran).
// Tensors used as stored are read straight into their backend buffers. The logits stay PyTorch's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend, readSafetensors, type Tensor } from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { configFromHuggingFace, loadTransformer, type TensorSource, tensorSourceOf } from '../src/index';
import { halfSource, maxAbsDiff } from './helpers';

const fixtures = join(__dirname, '../../../fixtures/models');
const staged = /\.(c_attn\.(weight|bias)|c_fc\.weight|c_proj\.weight)$/; // GPT-2: transposed or split

function fixture(name: string) {
  const dir = join(fixtures, name);
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.safetensors')));
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { prompt_ids: number[] };
  const logits = readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get(
    'logits',
  ) as Tensor;
  const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
  return { config, bytes, ids: expected.prompt_ids, logits: logits.data };
}

/** Wraps a source, recording the buffer and length each tensor was read into. */
function recording(inner: TensorSource) {
  const reads = new Map<string, { buffer: ArrayBufferLike; length: number }>();
  const source: TensorSource = {
    entries: inner.entries,
    readInto(name, out) {
      reads.set(name, { buffer: out.buffer, length: out.length });
      inner.readInto(name, out);
    },
    readHalfInto(name, out) {
      reads.set(name, { buffer: out.buffer, length: out.length });
      (inner.readHalfInto as NonNullable<TensorSource['readHalfInto']>)(name, out);
    },
  };
  return { source, reads };
}

/** The staged reads share one buffer of 4 bytes × the largest staged tensor; the others have their own. */
function expectOneStagingBuffer(reads: Map<string, { buffer: ArrayBufferLike; length: number }>): void {
  const stagedReads = [...reads].filter(([name]) => staged.test(name)).map(([, r]) => r);
  expect(stagedReads.length).toBeGreaterThan(4); // every layer has four
  const buffers = new Set(stagedReads.map((r) => r.buffer));
  expect(buffers.size).toBe(1);
  const [buffer] = buffers;
  expect(buffer.byteLength).toBe(4 * Math.max(...stagedReads.map((r) => r.length)));
  for (const [name, r] of reads) if (!staged.test(name)) expect(r.buffer).not.toBe(buffer);
}

describe('loading stages split / transposed tensors in one reused host buffer', () => {
  test('gpt2-tiny (f32): one staging buffer, logits as expected', () => {
    const f = fixture('gpt2-tiny');
    const { source, reads } = recording(tensorSourceOf(readSafetensors(f.bytes)));
    const model = loadTransformer({ config: f.config, tensors: source, backend: createReferenceBackend() });
    expectOneStagingBuffer(reads);
    expect(maxAbsDiff(model.forward(f.ids), f.logits)).toBeLessThan(2e-4);
  });

  test("gpt2-tiny-f16 (weights 'half'): the 16-bit reads share it too, logits as expected", () => {
    const f = fixture('gpt2-tiny-f16');
    const { source, reads } = recording(halfSource(f.bytes));
    const model = loadTransformer({
      config: f.config,
      tensors: source,
      backend: createReferenceBackend(),
      weights: 'half',
    });
    expectOneStagingBuffer(reads);
    expect(maxAbsDiff(model.forward(f.ids), f.logits)).toBeLessThan(1e-3);
  });
});
