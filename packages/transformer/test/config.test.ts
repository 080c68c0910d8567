import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmfError } from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import { configFromHuggingFace, createConfig, ModelFormatError } from '../src/index';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../../fixtures/models', name, 'config.json'), 'utf8');

function errorOf(f: () => unknown): LlmfError {
  try {
    f();
  } catch (e) {
    if (LlmfError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('configFromHuggingFace', () => {
  test('gpt2: n_embd, n_head, n_layer, n_positions, gelu_new → geluTanh, tied, learned, pre-LayerNorm', () => {
    expect(configFromHuggingFace(fixture('gpt2-tiny'))).toEqual({
      modelType: 'gpt2',
      vocabSize: 1025,
      dModel: 64,
      nLayer: 2,
      nHead: 4,
      nKvHead: 4,
      dHead: 16,
      dFf: 256,
      maxPositions: 128,
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
      bosTokenId: 1024,
      eosTokenIds: [1024],
    });
    expect(
      configFromHuggingFace({ ...JSON.parse(fixture('gpt2-tiny')), activation_function: 'gelu' }).activation,
    ).toBe('gelu');
  });

  test('llama: GQA, RoPE half, RMSNorm, SwiGLU, untied; the bf16 fixture is tied', () => {
    const c = configFromHuggingFace(JSON.parse(fixture('llama-tiny')));
    expect(c).toMatchObject({
      modelType: 'llama',
      dModel: 64,
      nHead: 4,
      nKvHead: 2,
      dHead: 16,
      dFf: 176,
      maxPositions: 256,
      norm: 'rms',
      activation: 'silu',
      ffn: 'swiglu',
      positions: 'rope',
      ropeTheta: 10000,
      ropeStyle: 'half',
      tiedEmbeddings: false,
      attentionBias: false,
      linearBias: false,
      eosTokenIds: [1024],
    });
    expect(configFromHuggingFace(fixture('llama-tiny-bf16')).tiedEmbeddings).toBe(true);
  });

  test('qwen2: as llama plus q/k/v biases; head_dim and eos lists are read', () => {
    const c = configFromHuggingFace({
      model_type: 'qwen2',
      vocab_size: 100,
      hidden_size: 32,
      intermediate_size: 64,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      num_hidden_layers: 1,
      max_position_embeddings: 64,
      rms_norm_eps: 1e-6,
      rope_theta: 1e6,
      head_dim: 16,
      tie_word_embeddings: true,
      eos_token_id: [5, 7],
    });
    expect(c).toMatchObject({
      modelType: 'qwen2',
      attentionBias: true,
      linearBias: false,
      dHead: 16,
      ropeTheta: 1e6,
      tiedEmbeddings: true,
      eosTokenIds: [5, 7],
    });
  });

  test('no model_type, unknown model_type, missing field, bad JSON → ModelFormatError saying what to do', () => {
    const noType = errorOf(() => configFromHuggingFace({ n_embd: 4 }));
    expect(noType).toBeInstanceOf(ModelFormatError);
    expect(noType.code).toBe('MODEL_FORMAT');
    expect(noType.message).toBe('config.json has no "model_type"; expected gpt2, llama or qwen2');
    expect(errorOf(() => configFromHuggingFace({ model_type: 'bert' })).message).toMatch(
      /model_type "bert" is not supported; expected gpt2, llama or qwen2/,
    );
    const { n_head: _, ...noHeads } = JSON.parse(fixture('gpt2-tiny'));
    expect(errorOf(() => configFromHuggingFace(noHeads)).message).toMatch(/has no "n_head"/);
    expect(errorOf(() => configFromHuggingFace('{ nope')).code).toBe('MODEL_FORMAT');
    expect(
      errorOf(() => configFromHuggingFace({ ...JSON.parse(fixture('llama-tiny')), hidden_act: 'relu' }))
        .message,
    ).toMatch(/hidden_act "relu"/);
  });

  test('math-changing features that are not implemented are refused, not ignored', () => {
    const llama = JSON.parse(fixture('llama-tiny'));
    expect(
      errorOf(() => configFromHuggingFace({ ...llama, rope_scaling: { rope_type: 'llama3', factor: 8 } }))
        .message,
    ).toMatch(/rope_scaling \(llama3\) is not supported/);
    expect(errorOf(() => configFromHuggingFace({ ...llama, mlp_bias: true })).code).toBe('MODEL_FORMAT');
    expect(configFromHuggingFace({ ...llama, rope_scaling: null }).positions).toBe('rope');
    const { tie_word_embeddings: _, ...untiedByDefault } = llama;
    expect(configFromHuggingFace({ ...untiedByDefault, model_type: 'qwen2' }).tiedEmbeddings).toBe(false);
  });
});

describe('createConfig', () => {
  test('builds post-norm, sinusoidal, encoder-only variants with GPT-2 defaults', () => {
    const c = createConfig({
      vocabSize: 10,
      dModel: 8,
      nLayer: 1,
      nHead: 2,
      maxPositions: 16,
      normPlacement: 'post',
      positions: 'sinusoidal',
      causal: false,
    });
    expect(c).toMatchObject({
      dHead: 4,
      nKvHead: 2,
      dFf: 32,
      norm: 'layer',
      normPlacement: 'post',
      positions: 'sinusoidal',
      causal: false,
    });
  });

  test('rejects inconsistent shapes', () => {
    expect(
      errorOf(() => createConfig({ vocabSize: 10, dModel: 8, nLayer: 1, nHead: 3, maxPositions: 4 })).message,
    ).toMatch(/dHead/);
    expect(
      errorOf(() =>
        createConfig({ vocabSize: 10, dModel: 8, nLayer: 1, nHead: 4, nKvHead: 3, maxPositions: 4 }),
      ).message,
    ).toMatch(/multiple of nKvHead/);
    expect(
      errorOf(() =>
        createConfig({ vocabSize: 10, dModel: 6, nLayer: 1, nHead: 2, maxPositions: 4, positions: 'rope' }),
      ).message,
    ).toMatch(/even for RoPE/);
  });
});
