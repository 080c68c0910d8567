// The default model's training command is reproducible from its seed: train() with the same options gives
// bit-identical weights run after run, and on the WASM backend with 1 or 2 threads (threads split each
// product's output columns or heads, so every value is computed by the same code in the same order).
import { trainBPE } from '@llmf/tokenizer';
import { expect, it } from 'vitest';
import { namedParams, train } from '../src/index';

const corpus =
  'In the beginning God created the heaven and the earth. And the earth was without form. '.repeat(40);
const tokenizer = trainBPE(corpus, { vocabSize: 300, specialTokens: ['<|endoftext|>'] });
// big enough that every product crosses the backend's threshold for splitting over threads
const options = {
  tokens: tokenizer.encode(corpus),
  config: { vocabSize: 300, nPositions: 32, nEmbd: 64, nLayer: 2, nHead: 4 },
  batchSize: 4,
  seqLen: 32,
  steps: 4,
  learningRate: 3e-3,
  warmupSteps: 2,
  evalEvery: 0,
  seed: 1337,
  backend: 'wasm' as const,
};

it('the same seed gives bit-identical weights, run after run and on 1 or 2 threads', async () => {
  const runs = [
    await train({ ...options, threads: 1 }),
    await train({ ...options, threads: 1 }),
    await train({ ...options, threads: 2 }),
  ];
  const [a, b, c] = runs.map((r) => namedParams(r.model.params));
  expect(runs[0]!.trainLoss).toBe(runs[2]!.trainLoss);
  a!.forEach((p, i) => {
    expect(b![i]!.tensor.data).toEqual(p.tensor.data);
    expect(c![i]!.tensor.data).toEqual(p.tensor.data);
  });
  // and a different seed does not
  const other = namedParams((await train({ ...options, threads: 1, seed: 7 })).model.params);
  expect(other[0]!.tensor.data).not.toEqual(a![0]!.tensor.data);
});
