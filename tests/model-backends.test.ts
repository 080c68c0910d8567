// Across packages: a transformer (@llmf/transformer) built from a random config runs on the WASM SIMD
// backend (@llmf/runtime-wasm) and on the reference kernels (@llmf/tensor) with the same logits, and the
// WASM backend's KV-cached decoding equals the reference's full recomputation.
import { fc, test } from '@fast-check/vitest';
import { createWasmBackend } from '@llmf/runtime-wasm';
import { createRng } from '@llmf/sampling';
import { createReferenceBackend } from '@llmf/tensor';
import { createConfig, loadTransformer, type ModelConfig, randomTensors } from '@llmf/transformer';
import { expect } from 'vitest';

/** A small architecture drawn from the families the runtime supports. */
const arbConfig = fc
  .record({
    family: fc.constantFrom('gpt2', 'llama', 'post-norm', 'sinusoidal'),
    nHead: fc.integer({ min: 1, max: 4 }),
    groups: fc.integer({ min: 1, max: 2 }),
    dHead: fc.constantFrom(2, 4, 6, 8),
    nLayer: fc.integer({ min: 1, max: 2 }),
    vocabSize: fc.integer({ min: 5, max: 70 }),
  })
  .map(({ family, nHead, groups, dHead, nLayer, vocabSize }): ModelConfig => {
    const heads = nHead * groups;
    const base = { vocabSize, dModel: heads * dHead, nLayer, nHead: heads, maxPositions: 24 };
    if (family === 'llama') {
      return createConfig({
        ...base,
        nKvHead: nHead,
        dFf: 3 * heads * dHead + 1,
        norm: 'rms',
        activation: 'silu',
        ffn: 'swiglu',
        positions: 'rope',
        tiedEmbeddings: false,
        attentionBias: false,
        linearBias: false,
      });
    }
    if (family === 'post-norm') return createConfig({ ...base, normPlacement: 'post', activation: 'gelu' });
    if (family === 'sinusoidal') return createConfig({ ...base, positions: 'sinusoidal' });
    return createConfig(base);
  });

const arbCase = arbConfig.chain((config) =>
  fc.record({
    config: fc.constant(config),
    ids: fc.array(fc.integer({ min: 0, max: config.vocabSize - 1 }), { minLength: 2, maxLength: 12 }),
    split: fc.integer({ min: 1, max: 11 }),
    seed: fc.nat(),
  }),
);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

test.prop([arbCase], { numRuns: 40 })(
  'wasm KV-cached decoding equals the reference full recompute',
  async ({ config, ids, split, seed }) => {
    const rng = createRng(seed);
    const tensors = randomTensors(config, () => rng.next());
    const reference = loadTransformer({ config, tensors, backend: createReferenceBackend(), naming: 'llmf' });
    const wasmBackend = await createWasmBackend();
    try {
      const wasm = loadTransformer({ config, tensors, backend: wasmBackend, naming: 'llmf' });
      const full = reference.forward(ids);
      expect(maxAbsDiff(wasm.forward(ids), full)).toBeLessThan(1e-4);

      // Prefill the first `k` ids, then one id at a time through the cache.
      const k = Math.min(split, ids.length - 1);
      wasm.reset();
      const rowsOut = [wasm.forwardCached(ids.slice(0, k))];
      for (const id of ids.slice(k)) rowsOut.push(wasm.forwardCached([id]));
      const cached = new Float32Array(full.length);
      let offset = 0;
      for (const r of rowsOut) {
        cached.set(r, offset);
        offset += r.length;
      }
      expect(maxAbsDiff(cached, full)).toBeLessThan(1e-4);
    } finally {
      wasmBackend.dispose();
    }
  },
  120_000,
);
