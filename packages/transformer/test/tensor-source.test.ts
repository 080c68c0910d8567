// loadTransformer from a TensorSource: names and shapes are checked before any tensor is read or any
// weight allocated, each checkpoint tensor is read once, and the model equals one loaded from a Map
// (fixtures/models expected logits).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Backend, createReferenceBackend, readSafetensors, type Tensor } from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { configFromHuggingFace, loadTransformer, type TensorSource, tensorSourceOf } from '../src/index';
import { maxAbsDiff } from './helpers';

const fixtures = join(__dirname, '../../../fixtures/models');

function fixture(name: string) {
  const dir = join(fixtures, name);
  const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
  const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { prompt_ids: number[] };
  const logits = readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get(
    'logits',
  );
  return { config, tensors, ids: expected.prompt_ids, logits: (logits as Tensor).data };
}

/** A source over `tensors` that records its reads; `entries` may be edited to break the checkpoint. */
function recordingSource(tensors: Map<string, Tensor>) {
  const reads: string[] = [];
  const inner = tensorSourceOf(tensors);
  const source: TensorSource & { entries: { name: string; shape: readonly number[] }[] } = {
    entries: [...inner.entries],
    readInto(name, out) {
      reads.push(name);
      inner.readInto(name, out);
    },
  };
  return { source, reads };
}

/** The reference backend, counting 'weights' allocations and uploads. */
function countingBackend() {
  const backend = createReferenceBackend();
  const counts = { weights: 0 };
  const counting: Backend = Object.assign(Object.create(backend) as Backend, {
    alloc: (shape: number[], usage: 'weights' | 'compute') => {
      if (usage === 'weights') counts.weights++;
      return backend.alloc(shape, usage);
    },
    upload: (t: Tensor, usage: 'weights' | 'compute') => {
      if (usage === 'weights') counts.weights++;
      return backend.upload(t, usage);
    },
  });
  return { backend: counting, counts };
}

describe('loadTransformer from a TensorSource', () => {
  test.each(['gpt2-tiny', 'llama-tiny'])(
    '%s: same logits as the expected ones, each tensor read once',
    (name) => {
      const f = fixture(name);
      const { source, reads } = recordingSource(f.tensors);
      const model = loadTransformer({ config: f.config, tensors: source, backend: createReferenceBackend() });
      expect(maxAbsDiff(model.forward(f.ids), f.logits)).toBeLessThan(2e-4);
      expect(new Set(reads).size).toBe(reads.length);
      // every tensor the model uses was read (the fixtures hold no others)
      expect(reads.sort()).toEqual([...f.tensors.keys()].sort());
      // and the Map is untouched
      const again = fixture(name);
      for (const [key, t] of f.tensors) expect(t.data).toEqual(again.tensors.get(key)?.data);
    },
  );

  test.each([
    ['a missing tensor', (e: { name: string; shape: readonly number[] }[]) => e.pop(), /has no tensor/],
    [
      'a mis-shaped tensor',
      (e: { name: string; shape: readonly number[] }[]) => {
        e[e.length - 1] = { ...e[e.length - 1], shape: [3, 3] };
      },
      /has shape \[3, 3\] but the config expects/,
    ],
  ])('%s: ModelFormatError before any read or weight allocation', (_, breakIt, message) => {
    const f = fixture('gpt2-tiny');
    const { source, reads } = recordingSource(f.tensors);
    // the last tensor in checkpoint order is the one broken: everything before it would load
    source.entries.sort((a, b) => a.name.localeCompare(b.name));
    breakIt(source.entries);
    const { backend, counts } = countingBackend();
    expect(() => loadTransformer({ config: f.config, tensors: source, backend })).toThrow(message);
    expect(reads).toEqual([]);
    expect(counts.weights).toBe(0);
  });
});
