// Backend.prepare on the WASM backend: an op's checks and pointers bound once, its kernel run again on
// new contents (the conformance suite checks every preparable op this way against the reference; these
// tests cover the packed linear of a model, threads, foreign tensors, dispose and bad arguments), and a
// model's planned decode step across a memory grow.
import { readFileSync } from 'node:fs';
import { readSafetensors, tensor } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';
import { fixtures } from './llm-helpers';
import { codeOf, mismatch, randomTensor } from './wasm-helpers';

describe.each([1, 2])('prepare on the wasm backend, %i thread(s)', (threads) => {
  it.each([1, 3, 70])('a packed linear of %i rows, run again on new x, equals the op', async (T) => {
    const be = await createWasmBackend({ threads });
    const [K, N] = [96, 203]; // N not a multiple of the 8-column tile
    const w = be.packLinear(be.upload(randomTensor([N, K], 1), 'weights'));
    const bias = be.upload(randomTensor([N], 2), 'weights');
    const x = be.upload(randomTensor([T, K], 3), 'compute');
    const out = be.alloc([T, N], 'compute');
    const want = be.alloc([T, N], 'compute');
    const run = be.prepare('linear', out, x, w, bias);
    for (const seed of [3, 4]) {
      x.data.set(randomTensor([T, K], seed).data);
      run();
      be.linear(want, x, w, bias);
      expect(mismatch(out.data, want.data, 0, 0)).toBeUndefined();
    }
    be.dispose();
  });

  it('reads plain Float32Array tensors again on every run', async () => {
    const be = await createWasmBackend({ threads });
    const a = tensor([1, 2, 3]); // not in the backend's memory: copied in per run
    const b = be.upload(tensor([10, 20, 30]), 'compute');
    const out = tensor([0, 0, 0]);
    const run = be.prepare('add', out, a, b);
    run();
    expect(Array.from(out.data)).toEqual([11, 22, 33]);
    a.data.set([4, 5, 6]);
    run();
    expect(Array.from(out.data)).toEqual([14, 25, 36]);
    be.dispose();
  });

  it('checks the arguments when preparing, and refuses to run after dispose', async () => {
    const be = await createWasmBackend({ threads });
    const x = be.alloc([2, 3], 'compute');
    expect(codeOf(() => be.prepare('geluTanh', be.alloc([2, 4], 'compute'), x))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => be.prepare('attention' as 'add', x, x, x))).toBe('INVALID_ARGUMENT');
    const run = be.prepare('geluTanh', be.alloc([2, 3], 'compute'), x);
    be.dispose();
    expect(() => run()).toThrow(/disposed/);
  });
});

describe('a model decoding on its planned step', () => {
  it('keeps decoding right after the memory grows under it (1 thread: the plan is made again)', async () => {
    const fixture = fixtures[0]; // gpt2-tiny
    const config = configFromHuggingFace(JSON.parse(readFileSync(`${fixture.dir}/config.json`, 'utf8')));
    const tensors = readSafetensors(new Uint8Array(readFileSync(`${fixture.dir}/model.safetensors`)));
    const load = async () => {
      const backend = await createWasmBackend({ memoryBytes: 65536 });
      return { backend, model: loadTransformer({ config, tensors, backend, maxTokens: 32 }) };
    };
    const grown = await load();
    const fresh = await load();
    const prompt = fixture.promptIds.slice(0, 4);
    const next = [5, 9, 2, 7];
    for (const m of [grown.model, fresh.model]) m.forwardCached(prompt);
    for (let i = 0; i < next.length; i++) {
      if (i === 2) {
        const before = grown.backend.memory.buffer.byteLength;
        grown.backend.alloc([1 << 22], 'compute'); // 16 MiB: the memory grows, the plan's views detach
        expect(grown.backend.memory.buffer.byteLength).toBeGreaterThan(before);
      }
      const got = grown.model.forwardCached([next[i]]);
      const want = fresh.model.forwardCached([next[i]]);
      expect(mismatch(got, want, 0, 0)).toBeUndefined();
    }
    // and a full recompute of the whole sequence gives the same last logits
    const all = fresh.model.forward([...prompt, ...next]);
    const V = config.vocabSize;
    const last = grown.model.forwardCached([3]);
    const recompute = fresh.model.forward([...prompt, ...next, 3]);
    expect(mismatch(last, recompute.subarray(all.length, all.length + V), 1e-4, 1e-4)).toBeUndefined();
    grown.backend.dispose();
    fresh.backend.dispose();
  });
});
