// ModelConfig: the one internal description of a model, normalised from Hugging Face config.json
// (gpt2, llama, qwen2) or built directly (post-norm, sinusoidal positions, encoder-only: tests, training).
// Legend: V = vocab, C = d_model, L = layers, H = query heads, Hkv = key/value heads, D = d_head, F = d_ff.

import { ModelFormatError } from './errors';

/** Everything the forward pass needs to know about a model's shape and wiring. */
export interface ModelConfig {
  /** 'gpt2' | 'llama' | 'qwen2' for checkpoints, any name for directly built models. */
  modelType: string;
  vocabSize: number; // V
  dModel: number; // C
  nLayer: number; // L
  nHead: number; // H
  nKvHead: number; // Hkv (H for plain multi-head attention)
  dHead: number; // D (usually C / H)
  dFf: number; // F
  /** Context length: positions the model can see. */
  maxPositions: number;
  norm: 'layer' | 'rms';
  normEps: number;
  /** 'pre': x = x + f(norm(x)) (GPT-2, Llama); 'post': x = norm(x + f(x)) (the seed's "Add & LayerNorm"). */
  normPlacement: 'pre' | 'post';
  /** FFN non-linearity: 'gelu' (erf), 'geluTanh' (GPT-2 gelu_new), 'silu' (SwiGLU gate). */
  activation: 'gelu' | 'geluTanh' | 'silu';
  /** 'mlp': down(act(up(x))); 'swiglu': down(silu(gate(x)) ⊙ up(x)). */
  ffn: 'mlp' | 'swiglu';
  positions: 'learned' | 'rope' | 'sinusoidal';
  ropeTheta: number;
  ropeStyle: 'half' | 'interleaved';
  /** The LM head reuses the token embedding wte [V, C]. */
  tiedEmbeddings: boolean;
  /** q, k, v projections have biases (GPT-2, Qwen2). */
  attentionBias: boolean;
  /** Attention output and FFN projections have biases (GPT-2). */
  linearBias: boolean;
  /** true: decoder-only (causal mask); false: encoder-only (bidirectional). */
  causal: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
}

const modelTypes = ['gpt2', 'llama', 'qwen2'] as const;

/**
 * Normalise a Hugging Face config.json (object or JSON text) of model_type gpt2, llama or qwen2.
 * Throws ModelFormatError naming the missing or unsupported field.
 */
export function configFromHuggingFace(json: string | object): ModelConfig {
  let hf: Record<string, unknown>;
  try {
    hf = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFormatError(
      `config.json is not valid JSON (${(e as Error).message}); pass the file's text or parsed object`,
    );
  }
  if (hf === null || typeof hf !== 'object' || Array.isArray(hf)) {
    throw new ModelFormatError('config.json must hold a JSON object');
  }
  const type = hf.model_type;
  if (type === undefined) {
    throw new ModelFormatError(
      `config.json has no "model_type"; expected ${modelTypes.join(', ').replace(/, (\w+)$/, ' or $1')}`,
    );
  }
  const eos = eosIds(hf.eos_token_id);
  const bos = typeof hf.bos_token_id === 'number' ? { bosTokenId: hf.bos_token_id } : {};
  if (type === 'gpt2') {
    const dModel = int(hf, 'n_embd');
    const act = hf.activation_function ?? 'gelu_new';
    if (act !== 'gelu_new' && act !== 'gelu' && act !== 'gelu_pytorch_tanh') {
      throw new ModelFormatError(
        `config.json activation_function "${String(act)}" is not supported; expected gelu_new or gelu`,
      );
    }
    return createConfig({
      modelType: 'gpt2',
      vocabSize: int(hf, 'vocab_size'),
      dModel,
      nLayer: int(hf, 'n_layer'),
      nHead: int(hf, 'n_head'),
      dFf: hf.n_inner == null ? 4 * dModel : int(hf, 'n_inner'),
      maxPositions: int(hf, 'n_positions'),
      norm: 'layer',
      normEps: num(hf, 'layer_norm_epsilon', 1e-5),
      normPlacement: 'pre',
      activation: act === 'gelu' ? 'gelu' : 'geluTanh',
      ffn: 'mlp',
      positions: 'learned',
      tiedEmbeddings: true,
      attentionBias: true,
      linearBias: true,
      causal: true,
      ...bos,
      eosTokenIds: eos,
    });
  }
  if (type === 'llama' || type === 'qwen2') {
    const act = hf.hidden_act ?? 'silu';
    if (act !== 'silu') {
      throw new ModelFormatError(
        `config.json hidden_act "${String(act)}" is not supported for ${type}; expected silu`,
      );
    }
    // features that change the math and are not implemented: refuse rather than compute wrong logits
    if (hf.rope_scaling != null) {
      const kind =
        (hf.rope_scaling as { rope_type?: string; type?: string }).rope_type ??
        (hf.rope_scaling as { type?: string }).type;
      throw new ModelFormatError(
        `config.json rope_scaling (${String(kind)}) is not supported yet; only plain RoPE (rope_scaling null) models load`,
      );
    }
    if (type === 'llama' && (hf.attention_bias === true || hf.mlp_bias === true)) {
      throw new ModelFormatError(
        'config.json attention_bias / mlp_bias true is not supported for llama; expected false',
      );
    }
    const nHead = int(hf, 'num_attention_heads');
    const dModel = int(hf, 'hidden_size');
    return createConfig({
      modelType: type,
      vocabSize: int(hf, 'vocab_size'),
      dModel,
      nLayer: int(hf, 'num_hidden_layers'),
      nHead,
      nKvHead: hf.num_key_value_heads == null ? nHead : int(hf, 'num_key_value_heads'),
      dHead: hf.head_dim == null ? dModel / nHead : int(hf, 'head_dim'),
      dFf: int(hf, 'intermediate_size'),
      maxPositions: int(hf, 'max_position_embeddings'),
      norm: 'rms',
      normEps: num(hf, 'rms_norm_eps', 1e-6),
      normPlacement: 'pre',
      activation: 'silu',
      ffn: 'swiglu',
      positions: 'rope',
      ropeTheta: num(hf, 'rope_theta', 10000),
      ropeStyle: 'half',
      tiedEmbeddings: hf.tie_word_embeddings === true, // HF default false for both
      attentionBias: type === 'qwen2', // Qwen2: q, k, v biases (o_proj has none)
      linearBias: false,
      causal: true,
      ...bos,
      eosTokenIds: eos,
    });
  }
  throw new ModelFormatError(
    `config.json model_type "${String(type)}" is not supported; expected ${modelTypes.join(', ').replace(/, (\w+)$/, ' or $1')}`,
  );
}

/** What {@link createConfig} needs; everything else has a GPT-2-like default. */
export type ModelConfigInit = Pick<
  ModelConfig,
  'vocabSize' | 'dModel' | 'nLayer' | 'nHead' | 'maxPositions'
> &
  Partial<ModelConfig>;

/**
 * Build and validate a config directly (e.g. a post-norm, sinusoidal or encoder-only model).
 * Defaults: GPT-2 wiring (pre-norm LayerNorm 1e-5, GELU-tanh MLP with F = 4C, learned positions, tied head,
 * biases everywhere, causal), nKvHead = nHead, dHead = C / H, RoPE theta 10000 'half'.
 */
export function createConfig(init: ModelConfigInit): ModelConfig {
  const config: ModelConfig = {
    modelType: 'custom',
    nKvHead: init.nHead,
    dHead: init.dModel / init.nHead,
    dFf: 4 * init.dModel,
    norm: 'layer',
    normEps: 1e-5,
    normPlacement: 'pre',
    activation: 'geluTanh',
    ffn: 'mlp',
    positions: 'learned',
    ropeTheta: 10000,
    ropeStyle: 'half',
    tiedEmbeddings: true,
    attentionBias: true,
    linearBias: true,
    causal: true,
    eosTokenIds: [],
    ...init,
  };
  validate(config);
  return config;
}

function validate(c: ModelConfig): void {
  for (const key of [
    'vocabSize',
    'dModel',
    'nLayer',
    'nHead',
    'nKvHead',
    'dHead',
    'dFf',
    'maxPositions',
  ] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) {
      throw new ModelFormatError(`config ${key} must be a positive integer, got ${c[key]}`);
    }
  }
  if (c.nHead % c.nKvHead !== 0) {
    throw new ModelFormatError(
      `config nHead ${c.nHead} must be a multiple of nKvHead ${c.nKvHead} (grouped-query attention)`,
    );
  }
  const choices: [keyof ModelConfig, readonly unknown[]][] = [
    ['norm', ['layer', 'rms']],
    ['normPlacement', ['pre', 'post']],
    ['activation', ['gelu', 'geluTanh', 'silu']],
    ['ffn', ['mlp', 'swiglu']],
    ['positions', ['learned', 'rope', 'sinusoidal']],
    ['ropeStyle', ['half', 'interleaved']],
  ];
  for (const [key, allowed] of choices) {
    if (!allowed.includes(c[key])) {
      throw new ModelFormatError(`config ${key} "${String(c[key])}" is not one of ${allowed.join(', ')}`);
    }
  }
  if (c.positions === 'rope' && c.dHead % 2 !== 0) {
    throw new ModelFormatError(`config dHead ${c.dHead} must be even for RoPE (dimensions rotate in pairs)`);
  }
  if (!(c.normEps > 0) || !(c.ropeTheta > 0)) {
    throw new ModelFormatError(
      `config normEps (${c.normEps}) and ropeTheta (${c.ropeTheta}) must be positive`,
    );
  }
}

function int(hf: Record<string, unknown>, key: string): number {
  const v = hf[key];
  if (v === undefined || v === null) {
    throw new ModelFormatError(`config.json (model_type ${String(hf.model_type)}) has no "${key}"; add it`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelFormatError(`config.json "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function num(hf: Record<string, unknown>, key: string, fallback: number): number {
  const v = hf[key] ?? fallback;
  if (typeof v !== 'number' || !(v > 0)) {
    throw new ModelFormatError(`config.json "${key}" must be a positive number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function eosIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}
