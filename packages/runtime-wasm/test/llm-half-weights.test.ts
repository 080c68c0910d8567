// Half-precision weights resident (loadModel(dir, { weights: 'half' })): the F16 GPT-2 and BF16 Llama
// fixtures keep their matrices as stored, widened inside the kernels, and still give PyTorch's logits
// within 1e-3 (fixtures/models/*/expected.safetensors) and its greedy ids (steps whose top-1/top-2 margin
// exceeds 1e-3), on the WASM backend with 1 and 2 threads and on the reference backend.
import { readFileSync } from 'node:fs';
import { LlmfError } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import { describe, expect, it, test } from 'vitest';
import { loadModel } from '../src/index';
import { createWasmBackend } from '../src/wasm/index';
import { openWeightSource } from '../src/weight-source';
import { collect, fixtures } from './llm-helpers';

const halfFixtures = fixtures.filter((f) => f.name === 'gpt2-tiny-f16' || f.name === 'llama-tiny-bf16');
const runs = halfFixtures.flatMap((fixture) =>
  [
    { backend: 'wasm' as const, threads: 1 },
    { backend: 'wasm' as const, threads: 2 },
    { backend: 'js' as const, threads: 1 },
  ].map((run) => ({ ...fixture, ...run })),
);

describe.each(runs)(
  "$name, weights 'half', $backend on $threads thread(s)",
  ({ backend, threads, ...fixture }) => {
    it('forward(prompt_ids) is within 1e-3 of expected.safetensors', async () => {
      const llm = await loadModel(fixture.dir, { backend, threads, weights: 'half' });
      const logits = await llm.forward(fixture.promptIds);
      expect(logits.length).toBe(fixture.logits.length);
      let maxDiff = 0;
      for (let i = 0; i < logits.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(logits[i] - fixture.logits[i]));
      expect(maxDiff).toBeLessThan(1e-3);
      llm.dispose();
    });

    it('greedy generation gives the expected ids', async () => {
      const llm = await loadModel(fixture.dir, { backend, threads, weights: 'half' });
      const { ids } = await collect(llm.generate(fixture.prompt, { temperature: 0, maxTokens: 12 }));
      const firstTie = fixture.greedyMargins.findIndex((m) => m <= 1e-3);
      const checked = firstTie < 0 ? 12 : firstTie;
      expect(checked).toBeGreaterThan(0);
      expect(ids.slice(0, checked)).toEqual(fixture.greedyIds.slice(0, checked));
      llm.dispose();
    });
  },
);

describe("weights 'half' keeps the matrices at 2 bytes a value in WebAssembly memory", () => {
  for (const fixture of halfFixtures) {
    test(`${fixture.name}: resident bytes, 'half' vs 'f32'`, async () => {
      const config = configFromHuggingFace(readFileSync(`${fixture.dir}/config.json`, 'utf8'));
      const bytes = new Uint8Array(readFileSync(`${fixture.dir}/model.safetensors`));
      const used: Record<string, number> = {};
      for (const weights of ['f32', 'half'] as const) {
        const backend = await createWasmBackend();
        const source = await openWeightSource({ single: { bytes } });
        loadTransformer({ config, tensors: source, backend, maxTokens: 8, weights });
        used[weights] = backend.bytesInUse;
        backend.dispose();
      }
      const source = await openWeightSource({ single: { bytes } });
      // what the matrices save: 2 of their 4 bytes a value (the rest: norms, biases, activations, cache)
      expect(used.f32 - used.half).toBeGreaterThanOrEqual((source.f32Bytes - source.halfBytes) * 0.99);
      expect(source.halfBytes).toBeLessThan(source.f32Bytes * 0.6);
    });
  }

  test('an unknown weights option is rejected before any file is read', async () => {
    await expect(loadModel('/nonexistent', { weights: 'f8' as 'half' })).rejects.toSatisfy(
      (e) => LlmfError.isInstance(e) && e.code === 'INVALID_ARGUMENT',
    );
  });
});
