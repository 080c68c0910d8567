// Packing at load: with a backend that has packLinear, loadTransformer packs every block's linear weight
// (q, k and v as one stacked weight) and the LM head once (a tied head is one packed table, also read by embedding); `pack: false` packs none.
// A test backend packs by reversing each row (a layout only its own linear undoes): the logits must stay
// the fixture's PyTorch logits, so a weight that was packed but read as unpacked, or the reverse, fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Backend,
  createReferenceBackend,
  isPackedTensor,
  type PackedTensor,
  readSafetensors,
  type Tensor,
} from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { configFromHuggingFace, loadTransformer } from '../src/index';
import { maxAbsDiff } from './helpers';

const fixtures = join(__dirname, '../../../fixtures/models');

/** The reference backend plus packLinear = "reverse every row of w [N, K]", undone by its linear. */
function reversingBackend(): Backend & { packed: number[][] } {
  const ref = createReferenceBackend();
  const packed: number[][] = [];
  const reverseRows = (data: Float32Array, [N, K]: readonly number[]) => {
    const out = new Float32Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[n * K + k] = data[n * K + K - 1 - k];
    return out;
  };
  return {
    ...ref,
    packed,
    packLinear(w: Tensor): PackedTensor {
      packed.push([...w.shape]);
      return { shape: w.shape, packing: 'test-reversed', data: reverseRows(w.data, w.shape) };
    },
    linear(out, x, w, bias) {
      const plain = isPackedTensor(w) ? { shape: w.shape, data: reverseRows(w.data, w.shape) } : w;
      ref.linear(out, x, plain, bias);
    },
    embedding(out, table, ids) {
      const plain = isPackedTensor(table)
        ? { shape: table.shape, data: reverseRows(table.data, table.shape) }
        : table;
      ref.embedding(out, plain, ids);
    },
  };
}

describe.each(['gpt2-tiny', 'llama-tiny'])('%s packed at load', (name) => {
  const dir = join(fixtures, name);
  const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
  const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
  const ids = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { prompt_ids: number[] })
    .prompt_ids;
  const want = (
    readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get('logits') as Tensor
  ).data;

  test('every linear weight of every block and the LM head are packed, and the logits are PyTorch’s', () => {
    const backend = reversingBackend();
    const model = loadTransformer({ config, tensors, backend });
    const { nLayer: L, dModel: C, vocabSize: V, nHead: H, nKvHead: Hkv, dHead: D } = config;
    const perLayer = config.ffn === 'swiglu' ? 5 : 4; // q|k|v stacked, o, (gate,) up, down
    expect(backend.packed.length).toBe(L * perLayer + 1);
    expect(backend.packed.filter(([n, k]) => n === (H + 2 * Hkv) * D && k === C).length).toBe(L);
    expect(backend.packed.filter(([n, k]) => n === V && k === C).length).toBe(1); // the head (tied: wte itself)
    expect(maxAbsDiff(model.forward(ids), want)).toBeLessThan(1.5e-5);
  });

  test('pack: false keeps the checkpoint layout', () => {
    const backend = reversingBackend();
    const model = loadTransformer({ config, tensors, backend, pack: false });
    expect(backend.packed).toEqual([]);
    expect(maxAbsDiff(model.forward(ids), want)).toBeLessThan(1.5e-5);
  });
});
