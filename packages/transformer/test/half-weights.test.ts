// loadTransformer with weights 'half': F16 / BF16 matrices of the fixture checkpoints stay half in backend
// memory (HalfTensor, the tied LM head sharing the embedding's table) and the logits stay within 1e-3 of
// PyTorch's (fixtures/models/*/expected.safetensors) on the reference backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Backend,
  createReferenceBackend,
  isHalfTensor,
  LlmfError,
  readSafetensors,
  type Tensor,
  type WeightTensor,
} from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { configFromHuggingFace, loadTransformer } from '../src/index';
import { halfSource } from './helpers';

const fixtures = join(__dirname, '../../../fixtures/models');

/** The reference backend, recording every linear weight and embedding table it is given. */
function recordingBackend() {
  const inner = createReferenceBackend();
  const seen: WeightTensor[] = [];
  const backend: Backend = {
    ...inner,
    linear(out, x, w, bias) {
      seen.push(w);
      inner.linear(out, x, w, bias);
    },
    embedding(out, table, ids) {
      seen.push(table);
      inner.embedding(out, table, ids);
    },
  };
  return { backend, seen };
}

describe("loadTransformer({ weights: 'half' })", () => {
  for (const [name, dtype] of [
    ['gpt2-tiny-f16', 'f16'],
    ['llama-tiny-bf16', 'bf16'],
  ] as const) {
    test(`${name}: every matrix stays ${dtype}, logits within 1e-3 of expected`, () => {
      const dir = join(fixtures, name);
      const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
      const bytes = new Uint8Array(readFileSync(join(dir, 'model.safetensors')));
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
        prompt_ids: number[];
      };
      const want = readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get(
        'logits',
      ) as Tensor;
      const { backend, seen } = recordingBackend();
      const model = loadTransformer({ config, tensors: halfSource(bytes), backend, weights: 'half' });
      const logits = model.forward(expected.prompt_ids);
      let maxDiff = 0;
      for (let i = 0; i < logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - want.data[i]));
      expect(maxDiff).toBeLessThan(1e-3);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((w) => isHalfTensor(w) && w.dtype === dtype)).toBe(true);
      if (config.tiedEmbeddings) {
        // one table: the gather (first call) and the LM head (last call) read the same half tensor
        expect(seen[seen.length - 1]).toBe(seen[0]);
      }
    });
  }

  test('q, k and v load as one stacked weight: f32 when one of them is stored f32, half otherwise', () => {
    const dir = join(fixtures, 'llama-tiny-bf16');
    const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
    const source = halfSource(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
    // layer 0's k_proj reported as stored F32 (read widened): that layer's stack must be f32
    const mixed = {
      ...source,
      entries: source.entries.map((e) =>
        e.name === 'model.layers.0.self_attn.k_proj.weight' ? { ...e, dtype: 'F32' } : e,
      ),
    };
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { prompt_ids: number[] };
    const want = readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get(
      'logits',
    ) as Tensor;
    const { backend, seen } = recordingBackend();
    const model = loadTransformer({ config, tensors: mixed, backend, weights: 'half' });
    const logits = model.forward(expected.prompt_ids);
    let maxDiff = 0;
    for (let i = 0; i < logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - want.data[i]));
    expect(maxDiff).toBeLessThan(1e-3);
    const { nHead: H, nKvHead: Hkv, dHead: D, dModel: C } = config;
    const stacks = seen.filter((w) => w.shape[0] === (H + 2 * Hkv) * D && w.shape[1] === C);
    expect(stacks.length).toBe(config.nLayer); // one product per layer for q, k and v
    expect(isHalfTensor(stacks[0])).toBe(false); // layer 0: f32
    expect(stacks.slice(1).every((w) => isHalfTensor(w) && w.dtype === 'bf16')).toBe(true);
  });

  test('a backend without allocHalf is refused with an LlmfError before anything is allocated', () => {
    const dir = join(fixtures, 'gpt2-tiny-f16');
    const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
    const { allocHalf: _dropped, ...inner } = createReferenceBackend();
    let allocated = 0;
    const backend: Backend = {
      ...inner,
      alloc(shape, usage) {
        allocated++;
        return inner.alloc(shape, usage);
      },
    };
    const bytes = new Uint8Array(readFileSync(join(dir, 'model.safetensors')));
    let thrown: unknown;
    try {
      loadTransformer({ config, tensors: halfSource(bytes), backend, weights: 'half' });
    } catch (e) {
      thrown = e;
    }
    expect(LlmfError.isInstance(thrown) && thrown.code === 'UNSUPPORTED').toBe(true);
    expect(allocated).toBe(0);
  });
});
