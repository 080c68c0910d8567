// train(): loss falls on a tiny corpus; checkpoints load back (here and through @llmf/runtime-wasm's
// loadModel, which builds @llmf/transformer's model from them); resume continues bit for bit; abort saves.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@llmf/runtime-wasm';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { trainBPE } from '@llmf/tokenizer';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import { describe, expect, it } from 'vitest';
import {
  checkpointFiles,
  type Gpt2Config,
  Gpt2Model,
  loadCheckpoint,
  loadWeights,
  namedParams,
  saveCheckpoint,
  train,
} from '../src/index';

const corpus = 'the cat sat on the mat. the dog sat on the log. a cat and a dog sat on a mat. '.repeat(30);
const tokenizer = trainBPE(corpus, { vocabSize: 280, specialTokens: ['<|endoftext|>'] });
const tokens = tokenizer.encode(corpus);
const config: Gpt2Config = { vocabSize: 280, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2 };
const base = {
  tokens,
  config,
  batchSize: 4,
  seqLen: 16,
  learningRate: 3e-3,
  warmupSteps: 5,
  backend: 'js' as const,
};
const tmp = () => mkdtempSync(join(tmpdir(), 'llmf-train-'));

describe('train', () => {
  it('lowers the loss on a tiny corpus', async () => {
    const losses: number[] = [];
    const evals: number[] = [];
    const r = await train({
      ...base,
      steps: 100,
      evalEvery: 50,
      evalBatches: 2,
      onStep: (p) => losses.push(p.loss),
      onEval: (e) => evals.push(e.valLoss),
    });
    expect(losses).toHaveLength(100);
    expect(losses[0]).toBeGreaterThan(5); // ≈ ln 280 at initialisation
    const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(tail).toBeLessThan(0.5 * losses[0]!);
    expect(evals).toHaveLength(2);
    expect(evals[1]).toBeLessThan(evals[0]!);
    expect(r.valLoss).toBe(evals[1]);
  });

  it('resumes from a checkpoint exactly where a continuous run would be', async () => {
    const continuous = await train({ ...base, steps: 6, evalEvery: 0 });
    const dir = tmp();
    await train({
      ...base,
      steps: 3,
      evalEvery: 0,
      checkpointDir: dir,
      tokenizer: tokenizer.toHuggingFace(),
    });
    const state = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(3);
    const resumed = await train({ ...base, config: undefined, steps: 6, evalEvery: 0, resumeFrom: dir });
    expect(resumed.step).toBe(6);
    const a = namedParams(continuous.model.params);
    const b = namedParams(resumed.model.params);
    a.forEach((p, i) => {
      expect(b[i]!.tensor.data).toEqual(p.tensor.data);
    });
  });

  it('stops on abort after the current step and saves a checkpoint', async () => {
    const dir = tmp();
    const controller = new AbortController();
    const r = await train({
      ...base,
      steps: 50,
      evalEvery: 0,
      checkpointDir: dir,
      signal: controller.signal,
      onStep: (p) => {
        if (p.step === 2) controller.abort();
        expect(p.tokensPerSecond).toBeGreaterThan(0);
        expect(p.etaMs).toBeGreaterThanOrEqual(0);
      },
    });
    expect(r.aborted).toBe(true);
    expect(r.step).toBe(2);
    const saved = await loadCheckpoint(dir);
    expect(saved.state?.step).toBe(2);
    const model = new Gpt2Model(saved.config, createReferenceBackend(), 1);
    loadWeights(model.params, saved.weights);
    namedParams(model.params).forEach((p, i) => {
      expect(p.tensor.data).toEqual(namedParams(r.model.params)[i]!.tensor.data);
    });
  });

  it('writes a folder loadModel reads, with the same logits (F32 and F16 storage)', async () => {
    const dir = tmp();
    const r = await train({
      ...base,
      steps: 20,
      evalEvery: 0,
      checkpointDir: dir,
      tokenizer: tokenizer.toHuggingFace(),
    });
    const ids = tokenizer.encode('the cat sat on the mat.');
    r.model.forward(ids, 1, ids.length);
    const ours = Float32Array.from(r.model.logits);
    const maxDiff = async (folder: string, expected: Float32Array) => {
      const llm = await loadModel(folder, { backend: 'js' });
      const theirs = await llm.forward(ids);
      llm.dispose();
      expect(theirs.length).toBe(expected.length);
      return Math.max(...expected.map((x, i) => Math.abs(x - theirs[i]!)));
    };
    expect(await maxDiff(dir, ours)).toBeLessThan(1e-4);
    // and directly through @llmf/transformer
    const transformer = loadTransformer({
      config: configFromHuggingFace(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))),
      tensors: readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))),
      backend: createReferenceBackend(),
    });
    const direct = transformer.forward(ids);
    expect(Math.max(...ours.map((x, i) => Math.abs(x - direct[i]!)))).toBeLessThan(1e-4);
    // F16 storage: compare with our forward on the same rounded weights
    const half = tmp();
    await saveCheckpoint(
      half,
      checkpointFiles(config, r.model.params, { tokenizer: tokenizer.toHuggingFace(), dtype: 'F16' }),
    );
    const rounded = new Gpt2Model(config, createReferenceBackend(), 1);
    const loaded = await loadCheckpoint(half);
    expect(JSON.parse(readFileSync(join(half, 'config.json'), 'utf8')).torch_dtype).toBe('float16');
    loadWeights(rounded.params, loaded.weights);
    rounded.forward(ids, 1, ids.length);
    expect(await maxDiff(half, Float32Array.from(rounded.logits))).toBeLessThan(1e-4);
  });

  it('explains bad options', async () => {
    await expect(train({ tokens, steps: 1, backend: 'js' })).rejects.toThrow(/config/);
    await expect(train({ ...base, tokens: [1, 2, 999], steps: 1 })).rejects.toThrow(/outside the vocabulary/);
    await expect(train({ ...base, seqLen: 99, steps: 1 })).rejects.toThrow(/seqLen/);
  });
});
