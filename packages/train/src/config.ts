// The architecture this package trains: GPT-2 (learned positions, pre-LN LayerNorm, GELU-tanh MLP,
// fused c_attn, LM head tied to the token embedding), with the Hugging Face config.json it is saved as.

import { LlmfError } from '@llmf/tensor';

/** Sizes of a GPT-2 model. Legend used in comments: V = vocabSize, C = nEmbd, L = nLayer, H = nHead. */
export interface Gpt2Config {
  /** V: rows of the token embedding (and of the tied LM head). */
  vocabSize: number;
  /** Longest sequence: rows of the learned position table wpe. */
  nPositions: number;
  /** C: width of the residual stream (d_model). */
  nEmbd: number;
  /** L: number of transformer blocks. */
  nLayer: number;
  /** H: attention heads; C must be divisible by H. */
  nHead: number;
  /** LayerNorm epsilon; 1e-5 as in GPT-2. */
  layerNormEpsilon?: number;
  /** Id of `<|endoftext|>`, written to config.json as bos/eos. */
  eosTokenId?: number;
}

/** Throws an LlmfError('INVALID_ARGUMENT') unless every size is a positive integer and C % H = 0. */
export function checkConfig(c: Gpt2Config): void {
  for (const key of ['vocabSize', 'nPositions', 'nEmbd', 'nLayer', 'nHead'] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v <= 0) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `Gpt2Config.${key} must be a positive integer, got ${String(v)}`,
      );
    }
  }
  if (c.nEmbd % c.nHead !== 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `Gpt2Config: nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead}); pick sizes with an integer head width`,
    );
  }
}

/** The Hugging Face config.json object for a GPT2LMHeadModel of these sizes. */
export function toHuggingFaceConfig(c: Gpt2Config, torchDtype: 'float32' | 'float16' = 'float32'): object {
  const eos = c.eosTokenId ?? c.vocabSize - 1;
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: c.vocabSize,
    n_positions: c.nPositions,
    n_ctx: c.nPositions,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: c.layerNormEpsilon ?? 1e-5,
    tie_word_embeddings: true,
    bos_token_id: eos,
    eos_token_id: eos,
    torch_dtype: torchDtype,
  };
}

/** Reads the sizes back from a GPT-2 config.json object (as written by toHuggingFaceConfig or the hub). */
export function fromHuggingFaceConfig(json: Record<string, unknown>): Gpt2Config {
  if (json.model_type !== 'gpt2') {
    throw new LlmfError(
      'MODEL_FORMAT',
      `config.json has model_type ${JSON.stringify(json.model_type)}; @llmf/train trains and resumes gpt2 models only`,
    );
  }
  const num = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== 'number') throw new LlmfError('MODEL_FORMAT', `config.json: "${key}" must be a number`);
    return v;
  };
  const config: Gpt2Config = {
    vocabSize: num('vocab_size'),
    nPositions: num('n_positions', typeof json.n_ctx === 'number' ? json.n_ctx : undefined),
    nEmbd: num('n_embd'),
    nLayer: num('n_layer'),
    nHead: num('n_head'),
    layerNormEpsilon: num('layer_norm_epsilon', 1e-5),
  };
  if (typeof json.eos_token_id === 'number') config.eosTokenId = json.eos_token_id;
  checkConfig(config);
  return config;
}
