// Trains the embedded default model from scratch (or resumes it): `pnpm --filter @llmf/train train:default`.
//   corpus     King James Bible (public domain) from Debian's bible-kjv package → data/kjv.txt
//   tokenizer  byte-level BPE, 4096 tokens (<|endoftext|> included), trained by @llmf/tokenizer's trainBPE
//   model      GPT-2, 6 layers, d_model 192, 6 heads, context 128, tied head (3,480,576 parameters)
//   training   AdamW (β 0.9/0.95, wd 0.1), lr 1e-3 peak, 100 warmup steps, cosine to 1e-4, clip 1.0,
//              batch 8 × 128 tokens, 10% of the corpus held out for validation, seed 1337
// Checkpoints (resumable, F32) go to runs/default every 100 steps; Ctrl-C saves one and still exports.
// At the end the model is exported (F16) with the tokenizer to runs/default-export, with sample generations;
// its four model files (config, weights, tokenizer, tokenizer_config) are what ships as apps/cli/models/default.
// One command reproduces the shipped model bit for bit (same seed, same data order; results do not depend on
// --threads, and an interrupted run resumed with the same command continues exactly):
//   pnpm --filter @llmf/train train:default -- --install
// Options: --steps N (default 1600), --threads K (WASM worker threads, default 1), --run DIR, --out DIR,
// --install (copy the exported model files over apps/cli/models/default, only when the run finished).

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, trainBPE } from '@llmf/tokenizer';
import {
  checkpointFiles,
  type Gpt2Config,
  Gpt2Model,
  loadWeights,
  namedParams,
  Rng,
  saveCheckpoint,
  train,
} from '../src/index';
import { generateText } from './generate-text';
import { kjvCorpus } from './kjv-corpus';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const root = join(import.meta.dirname, '..');
const steps = Number(arg('steps', '1600'));
const threads = Number(arg('threads', '1'));
const runDir = arg('run', join(root, 'runs/default'));
const outDir = arg('out', join(root, 'runs/default-export'));
const seed = 1337;
const vocabSize = 4096;

const text = kjvCorpus(join(root, 'data/kjv.txt'));
const tokenizerFile = join(runDir, 'tokenizer.json');
const t0 = performance.now();
const tokenizer = existsSync(tokenizerFile)
  ? Tokenizer.fromHuggingFace(readFileSync(tokenizerFile, 'utf8'))
  : trainBPE(text, { vocabSize, specialTokens: ['<|endoftext|>'] });
const tokenizerJson = tokenizer.toHuggingFace();
mkdirSync(runDir, { recursive: true });
writeFileSync(tokenizerFile, JSON.stringify(tokenizerJson));
const ids = tokenizer.encode(text);
console.log(
  `corpus ${text.length} chars → ${ids.length} tokens (vocab ${tokenizer.vocabSize}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const config: Gpt2Config = {
  vocabSize,
  nPositions: 128,
  nEmbd: 192,
  nLayer: 6,
  nHead: 6,
  eosTokenId: vocabSize - 1,
};
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.log(`${sig}: stopping after this step and saving a checkpoint`);
    controller.abort();
  });
}
const resume = existsSync(join(runDir, 'trainer_state.json'));
const started = Date.now();
let firstStep: number | undefined;
const result = await train({
  tokens: ids,
  config,
  resumeFrom: resume ? runDir : undefined,
  tokenizer: tokenizerJson,
  steps,
  batchSize: 8,
  seqLen: 128,
  learningRate: 1e-3,
  minLearningRate: 1e-4,
  warmupSteps: 100,
  weightDecay: 0.1,
  gradClip: 1,
  validationFraction: 0.1,
  evalEvery: 100,
  evalBatches: 16,
  checkpointDir: runDir,
  checkpointEvery: 100,
  seed,
  backend: 'wasm',
  threads,
  signal: controller.signal,
  onStep: (p) => {
    firstStep ??= p.step - 1;
    if (p.step % 10 === 0 || p.step === 1) {
      console.log(
        `step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} norm ${p.gradNorm.toFixed(2)} ` +
          `${p.tokensPerSecond.toFixed(0)} tok/s eta ${(p.etaMs / 60000).toFixed(1)} min`,
      );
    }
  },
  onEval: (e) =>
    console.log(`eval step ${e.step} val loss ${e.valLoss.toFixed(4)} ppl ${Math.exp(e.valLoss).toFixed(2)}`),
});
const minutes = (Date.now() - started) / 60000;
const sessionSteps = result.step - (firstStep ?? result.step);
const sessionTokensPerSecond = (sessionSteps * 8 * 128) / (minutes * 60);
console.log(
  `${result.aborted ? 'stopped' : 'done'} at step ${result.step}: train ${result.trainLoss.toFixed(4)} val ${result.valLoss.toFixed(4)} ` +
    `(ppl ${Math.exp(result.valLoss).toFixed(2)}), ${result.parameters} parameters, ${minutes.toFixed(1)} min this session ` +
    `(${sessionSteps} steps, ${sessionTokensPerSecond.toFixed(0)} tok/s including validation and checkpoints)`,
);

// Export: F16 weights + tokenizer, the files the CLI embeds.
const files = checkpointFiles(config, result.model.params, { tokenizer: tokenizerJson, dtype: 'F16' });
await saveCheckpoint(outDir, files);

// Samples from the exported (F16-rounded) weights, on a fresh JS backend.
const { createReferenceBackend, readSafetensors } = await import('@llmf/tensor');
const sampler = new Gpt2Model(config, createReferenceBackend(), 1);
loadWeights(sampler.params, readSafetensors(files['model.safetensors'] as Uint8Array));
const prompts = ['In the beginning', 'And the LORD said unto Moses,', 'Blessed are', 'The king of Israel'];
const samples = prompts.map((prompt, i) => ({
  prompt,
  temperature: 0.8,
  topK: 40,
  seed: i + 1,
  text: generateText(sampler, tokenizer, prompt, {
    maxTokens: 60,
    temperature: 0.8,
    topK: 40,
    rng: new Rng(i + 1),
  }),
}));
for (const s of samples) console.log(`--- ${s.prompt}\n${s.text}`);
writeFileSync(
  join(outDir, 'training-summary.json'),
  `${JSON.stringify({ config, seed, threads, session: { steps: sessionSteps, minutes, tokensPerSecond: sessionTokensPerSecond }, step: result.step, trainLoss: result.trainLoss, valLoss: result.valLoss, parameters: result.parameters, tensors: namedParams(result.model.params).length, samples }, null, 2)}\n`,
);
if (process.argv.includes('--install') && result.aborted) {
  // a stopped run is exported for inspection, but never replaces the shipped model
  console.log(
    `not installed: the run stopped at step ${result.step} of ${steps}; run the command again to resume`,
  );
} else if (process.argv.includes('--install')) {
  const target = join(root, '../../apps/cli/models/default');
  for (const name of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
    copyFileSync(join(outDir, name), join(target, name));
  }
  console.log(`installed the model files in ${target}`);
}
