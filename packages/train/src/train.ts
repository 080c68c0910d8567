// The training loop: sample a batch, forward, backward, clip, AdamW step with the scheduled learning
// rate; every evalEvery steps the validation loss, every checkpointEvery steps (and on abort, and at the
// end) a resumable checkpoint.

import { selectBackend } from '@llmf/runtime-wasm';
import { type Backend, LlmfError } from '@llmf/tensor';
import { AdamW } from './adamw';
import {
  type CheckpointFiles,
  checkpointFiles,
  loadCheckpoint,
  loadMoments,
  loadWeights,
  saveCheckpoint,
  type TrainerState,
} from './checkpoint';
import { clipGradNorm } from './clip';
import type { Gpt2Config } from './config';
import { DataLoader } from './data';
import { Gpt2Model } from './model';
import { countParams, initParams, namedParams } from './params';
import { Rng } from './rng';
import { learningRate } from './schedule';

/** Progress after one optimizer step, given to onStep. */
export interface TrainProgress {
  /** 1-based number of the step just taken. */
  step: number;
  /** Total steps of the run. */
  steps: number;
  /** Training loss of this step's batch (mean cross-entropy, nats per token). */
  loss: number;
  /** Learning rate used for this step. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Training tokens per second, averaged since this process started (or resumed) the run. */
  tokensPerSecond: number;
  /** Estimated milliseconds until the last step. */
  etaMs: number;
}

/** A validation result, given to onEval. */
export interface EvalProgress {
  step: number;
  /** Mean cross-entropy over the validation batches (nats per token); perplexity = e^valLoss. */
  valLoss: number;
}

/** Options of train(). Sizes and hyperparameters default to nanoGPT-like values. */
export interface TrainOptions {
  /** The corpus as token ids (each < config.vocabSize). */
  tokens: ArrayLike<number>;
  /** Model sizes for a new run; ignored when resuming (the checkpoint's config is used). */
  config?: Gpt2Config;
  /** Continue from this checkpoint folder (weights, AdamW moments, step and RNG state). */
  resumeFrom?: string;
  /** tokenizer.json (object or text), copied into every checkpoint. */
  tokenizer?: object | string;
  /** Total optimizer steps (when resuming, the run continues until this step). */
  steps: number;
  /** B: sequences per step (default 8). */
  batchSize?: number;
  /** T: tokens per sequence (default config.nPositions). */
  seqLen?: number;
  /** Peak learning rate (default 1e-3). */
  learningRate?: number;
  /** Final learning rate of the cosine decay (default learningRate / 10). */
  minLearningRate?: number;
  /** Linear warmup steps (default 5% of steps). */
  warmupSteps?: number;
  /** AdamW decoupled weight decay of matrices (default 0.1); β1 0.9, β2 0.95, ε 1e-8 by default. */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Clip the global gradient norm to this (default 1). */
  gradClip?: number;
  /** Share of tokens (from the end) held out for validation (default 0.1). */
  validationFraction?: number;
  /** Measure validation loss every this many steps and at the end (default 100; 0 = never). */
  evalEvery?: number;
  /** Batches per validation (default 8). */
  evalBatches?: number;
  /** Folder for checkpoints (Node only); written every checkpointEvery steps, on abort and at the end. */
  checkpointDir?: string;
  /** Default 500; 0 = only on abort and at the end. */
  checkpointEvery?: number;
  /** Seeds weight init and batch sampling (default 1337). */
  seed?: number;
  /**
   * Where the matrix products and attention run: 'wasm' (default: @llmf/runtime-wasm's SIMD kernels),
   * 'js' (the reference kernels of @llmf/tensor), or a Backend you made.
   */
  backend?: Backend | 'wasm' | 'js';
  /** Worker threads for the 'wasm' backend (default 1). */
  threads?: number;
  /** Stops the run after the current step; a checkpoint is saved first when checkpointDir is set. */
  signal?: AbortSignal;
  onStep?(p: TrainProgress): void;
  onEval?(e: EvalProgress): void;
}

/** What train() returns. */
export interface TrainResult {
  /** The trained model (parameters in `model.params`). */
  model: Gpt2Model;
  /** Optimizer steps done (including those before a resume). */
  step: number;
  /** True if the signal stopped the run before `steps`. */
  aborted: boolean;
  /** Last training loss and last validation loss (NaN if none was measured). */
  trainLoss: number;
  valLoss: number;
  /** Number of parameters (the tied head counted once). */
  parameters: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains a GPT-2 model on a tokenized corpus with AdamW, warmup + cosine decay and gradient clipping.
 * @example
 * const result = await train({ tokens, config: { vocabSize: 256, nPositions: 32, nEmbd: 32, nLayer: 2, nHead: 2 },
 *   steps: 100, onStep: (p) => console.log(p.step, p.loss) });
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const backend =
    typeof o.backend === 'object' ? o.backend : await selectBackend(o.backend ?? 'wasm', o.threads ?? 1);
  const resumed = o.resumeFrom ? await loadCheckpoint(o.resumeFrom) : undefined;
  const config = resumed?.config ?? o.config;
  if (!config)
    throw new LlmfError(
      'INVALID_ARGUMENT',
      'train: give `config` for a new run or `resumeFrom` to continue one',
    );
  const seed = o.seed ?? 1337;
  const B = o.batchSize ?? 8;
  const T = o.seqLen ?? config.nPositions;
  if (!Number.isInteger(o.steps) || o.steps < 0) {
    throw new LlmfError('INVALID_ARGUMENT', `train: steps must be a non-negative integer, got ${o.steps}`);
  }
  if (!Number.isInteger(T) || T <= 0 || T > config.nPositions) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `train: seqLen ${T} must be in 1..nPositions (${config.nPositions})`,
    );
  }
  for (let i = 0; i < o.tokens.length; i++) {
    const id = o.tokens[i];
    if (!(Number.isInteger(id) && id >= 0 && id < config.vocabSize)) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `train: token ${id} at ${i} is outside the vocabulary 0..${config.vocabSize - 1}`,
      );
    }
  }
  const loader = new DataLoader(o.tokens, B, T, o.validationFraction ?? 0.1);
  const model = new Gpt2Model(config, backend, B);
  const named = namedParams(model.params);
  const namedGrads = namedParams(model.grads);
  const optimizer = new AdamW(
    named.map((p, i) => ({ name: p.name, param: p.tensor, grad: namedGrads[i]!.tensor, decay: p.decay })),
    { weightDecay: o.weightDecay, beta1: o.beta1, beta2: o.beta2, eps: o.eps },
  );
  const rng = new Rng(seed);
  let step = 0;
  if (resumed) {
    loadWeights(model.params, resumed.weights);
    if (!resumed.moments || !resumed.state) {
      throw new LlmfError(
        'MODEL_FORMAT',
        `${o.resumeFrom} has no optimizer.safetensors / trainer_state.json to resume from`,
      );
    }
    step = resumed.state.step;
    loadMoments(optimizer, resumed.moments, step);
    rng.state = resumed.state.rngState;
  } else {
    initParams(model.params, config, new Rng(seed ^ 0x5eed));
  }
  const maxLr = o.learningRate ?? 1e-3;
  const schedule = {
    maxLr,
    minLr: o.minLearningRate ?? maxLr / 10,
    warmupSteps: o.warmupSteps ?? Math.max(1, Math.round(o.steps * 0.05)),
    decaySteps: o.steps,
  };
  const gradClip = o.gradClip ?? 1;
  const evalEvery = o.evalEvery ?? 100;
  const evalBatches = o.evalBatches ?? 8;
  const checkpointEvery = o.checkpointEvery ?? 500;
  const tokenizer = o.tokenizer ?? resumed?.tokenizer;
  const record = {
    seed,
    batchSize: B,
    seqLen: T,
    steps: o.steps,
    ...schedule,
    weightDecay: optimizer.weightDecay,
    beta1: optimizer.beta1,
    beta2: optimizer.beta2,
    gradClip,
    validationFraction: o.validationFraction ?? 0.1,
    backend: backend.name,
  };
  let trainLoss = Number.NaN;
  let valLoss = resumed?.state?.valLoss ?? Number.NaN;

  const evaluate = (): number => {
    let sum = 0;
    for (let i = 0; i < evalBatches; i++) {
      const batch = loader.validationBatch(i, evalBatches);
      sum += model.forward(batch.inputs, B, T, batch.targets);
    }
    return sum / evalBatches;
  };
  const save = async () => {
    if (!o.checkpointDir) return;
    const state: TrainerState = {
      format: 'llmf-train v1',
      step,
      rngState: rng.state,
      trainLoss,
      valLoss,
      options: record,
    };
    const files: CheckpointFiles = checkpointFiles(config, model.params, { tokenizer, optimizer, state });
    await saveCheckpoint(o.checkpointDir, files);
  };

  const start = performance.now();
  const startStep = step;
  let aborted = false;
  while (step < o.steps) {
    if (o.signal?.aborted) {
      aborted = true;
      break;
    }
    const batch = loader.nextTrain(rng);
    const loss = model.forward(batch.inputs, B, T, batch.targets);
    model.zeroGrad();
    model.backward();
    const norm = clipGradNorm(
      namedGrads.map((g) => g.tensor),
      gradClip,
    );
    const lr = learningRate(step, schedule);
    optimizer.update(lr);
    step++;
    trainLoss = loss;
    const elapsed = performance.now() - start;
    const done = step - startStep;
    o.onStep?.({
      step,
      steps: o.steps,
      loss,
      lr,
      gradNorm: norm,
      tokensPerSecond: (done * B * T) / (elapsed / 1000),
      etaMs: (elapsed / done) * (o.steps - step),
    });
    const last = step === o.steps;
    if (evalEvery > 0 && loader.validation.length > T && (step % evalEvery === 0 || last)) {
      valLoss = evaluate();
      o.onEval?.({ step, valLoss });
    }
    if (checkpointEvery > 0 && step % checkpointEvery === 0 && !last) await save();
    await yieldToEventLoop(); // lets an abort (a signal handler, a UI) run between steps
  }
  await save();
  return { model, step, aborted, trainLoss, valLoss, parameters: countParams(model.params) };
}
