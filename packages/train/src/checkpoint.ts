// Checkpoints as a Hugging Face-style folder that @llmf/transformer and loadModel read:
//   config.json, model.safetensors (GPT2Model names, Conv1D [in, out]), tokenizer.json, tokenizer_config.json
// plus, for resuming, trainer_state.json (step, RNG state, loader position) and optimizer.safetensors
// (AdamW moments `m.<name>` / `v.<name>`, always F32).

import { LlmfError, readSafetensors, type Tensor, writeSafetensors } from '@llmf/tensor';
import type { AdamW } from './adamw';
import { fromHuggingFaceConfig, type Gpt2Config, toHuggingFaceConfig } from './config';
import { type Gpt2Params, namedParams } from './params';

/** What a run needs, besides weights and moments, to continue exactly where it stopped. */
export interface TrainerState {
  format: 'llmf-train v1';
  /** Optimizer updates done. */
  step: number;
  /** State of the batch-sampling Rng after `step` batches. */
  rngState: number;
  /** The last losses measured, for the record. */
  trainLoss?: number;
  valLoss?: number;
  /** The options the run was started with (hyperparameters), for the record. */
  options?: Record<string, unknown>;
}

/** A checkpoint as files: name → text or bytes. */
export type CheckpointFiles = Record<string, string | Uint8Array>;

/** Options of checkpointFiles. */
export interface CheckpointOptions {
  /** tokenizer.json (object or its text), written beside the weights. */
  tokenizer?: object | string;
  /** Storage dtype of model.safetensors (default F32; F16 halves the size). */
  dtype?: 'F32' | 'F16';
  /** AdamW state and trainer state, to make the checkpoint resumable. */
  optimizer?: AdamW;
  state?: TrainerState;
}

/** The files of a checkpoint for these parameters (nothing is written). */
export function checkpointFiles(
  config: Gpt2Config,
  params: Gpt2Params,
  o: CheckpointOptions = {},
): CheckpointFiles {
  const dtype = o.dtype ?? 'F32';
  const files: CheckpointFiles = {};
  files['config.json'] =
    `${JSON.stringify(toHuggingFaceConfig(config, dtype === 'F16' ? 'float16' : 'float32'), null, 2)}\n`;
  const weights = new Map<string, Tensor>();
  for (const p of namedParams(params)) weights.set(p.name, p.tensor);
  files['model.safetensors'] = writeSafetensors(weights, { dtype, metadata: { format: 'pt' } });
  if (o.tokenizer !== undefined) {
    files['tokenizer.json'] = typeof o.tokenizer === 'string' ? o.tokenizer : JSON.stringify(o.tokenizer);
    const eos = '<|endoftext|>';
    files['tokenizer_config.json'] = `${JSON.stringify(
      {
        tokenizer_class: 'GPT2Tokenizer',
        bos_token: eos,
        eos_token: eos,
        model_max_length: config.nPositions,
      },
      null,
      2,
    )}\n`;
  }
  if (o.optimizer) {
    const moments = new Map<string, Tensor>();
    for (const [name, m] of o.optimizer.m) moments.set(`m.${name}`, { shape: [m.length], data: m });
    for (const [name, v] of o.optimizer.v) moments.set(`v.${name}`, { shape: [v.length], data: v });
    files['optimizer.safetensors'] = writeSafetensors(moments, {
      metadata: { step: String(o.optimizer.step) },
    });
  }
  if (o.state) files['trainer_state.json'] = `${JSON.stringify(o.state, null, 2)}\n`;
  return files;
}

/**
 * Writes checkpoint files into `dir` (created if missing). Files go to `<name>.tmp` first and are then
 * renamed, so an interrupted write never leaves a half-written file under a real name.
 */
export async function saveCheckpoint(dir: string, files: CheckpointFiles): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    await fs.writeFile(`${target}.tmp`, content);
    await fs.rename(`${target}.tmp`, target);
  }
}

/** A checkpoint read back: sizes, weights by name, and (when present) what resuming needs. */
export interface LoadedCheckpoint {
  config: Gpt2Config;
  weights: Map<string, Tensor>;
  tokenizer?: string;
  moments?: Map<string, Tensor>;
  state?: TrainerState;
}

/** Reads a checkpoint folder written by saveCheckpoint (or any GPT-2 folder with config.json + model.safetensors). */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const read = async (name: string): Promise<Buffer | undefined> => {
    try {
      return await fs.readFile(path.join(dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
  const configBytes = await read('config.json');
  const modelBytes = await read('model.safetensors');
  if (!configBytes || !modelBytes) {
    throw new LlmfError(
      'MODEL_FORMAT',
      `${dir} is not a checkpoint: it needs config.json and model.safetensors`,
    );
  }
  const config = fromHuggingFaceConfig(JSON.parse(configBytes.toString('utf8')));
  const out: LoadedCheckpoint = { config, weights: readSafetensors(new Uint8Array(modelBytes)) };
  const tok = await read('tokenizer.json');
  if (tok) out.tokenizer = tok.toString('utf8');
  const opt = await read('optimizer.safetensors');
  if (opt) out.moments = readSafetensors(new Uint8Array(opt));
  const state = await read('trainer_state.json');
  if (state) out.state = JSON.parse(state.toString('utf8')) as TrainerState;
  return out;
}

/** Copies weights (by Hugging Face name) into the parameters, checking every name and shape. */
export function loadWeights(params: Gpt2Params, weights: Map<string, Tensor>): void {
  for (const p of namedParams(params)) {
    const w = weights.get(p.name) ?? weights.get(`transformer.${p.name}`);
    if (!w) throw new LlmfError('MODEL_FORMAT', `checkpoint has no tensor "${p.name}"`);
    if (w.shape.join(',') !== p.tensor.shape.join(',')) {
      throw new LlmfError(
        'MODEL_FORMAT',
        `checkpoint tensor "${p.name}" has shape [${w.shape.join(', ')}], the config needs [${p.tensor.shape.join(', ')}]`,
      );
    }
    p.tensor.data.set(w.data);
  }
}

/** Restores AdamW moments (written by checkpointFiles) and its step count. */
export function loadMoments(optimizer: AdamW, moments: Map<string, Tensor>, step: number): void {
  for (const [name, m] of optimizer.m) {
    const sm = moments.get(`m.${name}`);
    const sv = moments.get(`v.${name}`);
    if (!sm || !sv || sm.data.length !== m.length || sv.data.length !== m.length) {
      throw new LlmfError(
        'MODEL_FORMAT',
        `optimizer.safetensors lacks moments for "${name}" (or their size differs)`,
      );
    }
    m.set(sm.data);
    optimizer.v.get(name)!.set(sv.data);
  }
  optimizer.step = step;
}
