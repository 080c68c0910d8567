// Qwen2 = Llama wiring + q/k/v biases. No fixture covers it: write a checkpoint in HF names from random
// internal tensors and compare the loaded model with the naive reference forward.
import { createReferenceBackend, type Tensor } from '@llmf/tensor';
import { expect, test } from 'vitest';
import { configFromHuggingFace, loadTransformer, randomTensors } from '../src/index';
import { maxAbsDiff, seededRandom } from './helpers';
import { naiveForward } from './naive-forward';

const hfName: Record<string, string> = {
  ln1w: 'input_layernorm.weight',
  qw: 'self_attn.q_proj.weight',
  qb: 'self_attn.q_proj.bias',
  kw: 'self_attn.k_proj.weight',
  kb: 'self_attn.k_proj.bias',
  vw: 'self_attn.v_proj.weight',
  vb: 'self_attn.v_proj.bias',
  attprojw: 'self_attn.o_proj.weight',
  ln2w: 'post_attention_layernorm.weight',
  gatew: 'mlp.gate_proj.weight',
  fcw: 'mlp.up_proj.weight',
  projw: 'mlp.down_proj.weight',
};

test.each([true, false])(
  'qwen2 checkpoint (tied %s): biases are read and logits match the reference',
  (tied) => {
    const config = configFromHuggingFace({
      model_type: 'qwen2',
      vocab_size: 13,
      hidden_size: 8,
      intermediate_size: 12,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      num_hidden_layers: 2,
      max_position_embeddings: 16,
      rope_theta: 1e6,
      tie_word_embeddings: tied,
    });
    const internal = randomTensors(config, seededRandom(11));
    const hf = new Map<string, Tensor>();
    for (const [name, t] of internal) {
      const m = /^h\.(\d+)\.(\w+)$/.exec(name);
      if (m) hf.set(`model.layers.${m[1]}.${hfName[m[2]]}`, t);
      else
        hf.set(
          { wte: 'model.embed_tokens.weight', lnfw: 'model.norm.weight', lmheadw: 'lm_head.weight' }[
            name
          ] as string,
          t,
        );
    }
    expect(hf.has('model.layers.1.self_attn.k_proj.bias')).toBe(true);
    const model = loadTransformer({ config, tensors: hf, backend: createReferenceBackend() });
    const ids = [1, 5, 12, 0, 7, 7];
    expect(maxAbsDiff(model.forward(ids), naiveForward(config, internal, ids).flat())).toBeLessThan(1e-4);
  },
);
