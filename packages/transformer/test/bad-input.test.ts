import { createReferenceBackend, LlmfError, type Tensor, tensor } from '@llmf/tensor';
import { describe, expect, test } from 'vitest';
import {
  configFromHuggingFace,
  createConfig,
  loadTransformer,
  ModelFormatError,
  mapTensors,
  randomTensors,
} from '../src/index';
import { randomModel, seededRandom } from './helpers';

function errorOf(f: () => unknown): LlmfError {
  try {
    f();
  } catch (e) {
    if (LlmfError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const gpt2Config = configFromHuggingFace({
  model_type: 'gpt2',
  vocab_size: 11,
  n_embd: 4,
  n_head: 2,
  n_layer: 1,
  n_positions: 6,
});

/** A GPT-2 checkpoint in Hugging Face names and layouts (Conv1D [in, out], fused c_attn). */
function gpt2Checkpoint(prefix = ''): Map<string, Tensor> {
  const random = seededRandom(7);
  const t = (shape: number[]) =>
    tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5),
      shape,
    );
  const C = 4;
  const m = new Map<string, Tensor>([
    [`${prefix}wte.weight`, t([11, C])],
    [`${prefix}wpe.weight`, t([6, C])],
    [`${prefix}ln_f.weight`, t([C])],
    [`${prefix}ln_f.bias`, t([C])],
  ]);
  const h = `${prefix}h.0.`;
  for (const [name, shape] of [
    ['ln_1.weight', [C]],
    ['ln_1.bias', [C]],
    ['attn.c_attn.weight', [C, 3 * C]],
    ['attn.c_attn.bias', [3 * C]],
    ['attn.c_proj.weight', [C, C]],
    ['attn.c_proj.bias', [C]],
    ['ln_2.weight', [C]],
    ['ln_2.bias', [C]],
    ['mlp.c_fc.weight', [C, 4 * C]],
    ['mlp.c_fc.bias', [4 * C]],
    ['mlp.c_proj.weight', [4 * C, C]],
    ['mlp.c_proj.bias', [C]],
  ] as const) {
    m.set(`${h}${name}`, t([...shape]));
  }
  return m;
}

describe('weights: HF names → internal layout', () => {
  test('GPT-2 Conv1D weights are transposed and c_attn is split into q | k | v', () => {
    const hf = gpt2Checkpoint();
    const mapped = mapTensors(gpt2Config, hf, 'huggingface');
    const W = hf.get('h.0.attn.c_attn.weight') as Tensor; // [C, 3C], [in, out]
    const C = 4;
    ['q', 'k', 'v'].forEach((name, block) => {
      const w = mapped.get(`h.0.${name}w`) as Tensor; // [C_out, C_in]
      expect(w.shape).toEqual([C, C]);
      for (let o = 0; o < C; o++)
        for (let i = 0; i < C; i++) expect(w.data[o * C + i]).toBe(W.data[i * 3 * C + block * C + o]);
    });
    expect(Array.from((mapped.get('h.0.kb') as Tensor).data)).toEqual(
      Array.from((hf.get('h.0.attn.c_attn.bias') as Tensor).data.subarray(4, 8)),
    );
    expect(mapped.get('h.0.projw')?.shape).toEqual([4, 16]);
  });

  test('the "transformer." prefix is accepted and gives the same model', () => {
    const backend = createReferenceBackend();
    const a = loadTransformer({ config: gpt2Config, tensors: gpt2Checkpoint(), backend });
    const b = loadTransformer({ config: gpt2Config, tensors: gpt2Checkpoint('transformer.'), backend });
    expect(Array.from(b.forward([1, 2, 3]))).toEqual(Array.from(a.forward([1, 2, 3])));
  });

  test('a missing tensor is a ModelFormatError naming it, and nothing is uploaded', () => {
    const hf = gpt2Checkpoint();
    hf.delete('h.0.mlp.c_proj.bias');
    const backend = createReferenceBackend();
    let uploads = 0;
    const upload = backend.upload.bind(backend);
    backend.upload = (t, usage) => {
      uploads++;
      return upload(t, usage);
    };
    const e = errorOf(() => loadTransformer({ config: gpt2Config, tensors: hf, backend }));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.code).toBe('MODEL_FORMAT');
    expect(e.message).toMatch(/no tensor "h\.0\.mlp\.c_proj\.bias" \(expected shape \[4\]\)/);
    expect(uploads).toBe(0);
  });

  test('a mis-shaped tensor names the tensor, the expected and the actual shape', () => {
    const hf = gpt2Checkpoint();
    hf.set('h.0.attn.c_attn.weight', tensor(new Float32Array(48), [12, 4])); // [out, in] instead of [in, out]
    const e = errorOf(() =>
      loadTransformer({ config: gpt2Config, tensors: hf, backend: createReferenceBackend() }),
    );
    expect(e.code).toBe('MODEL_FORMAT');
    expect(e.message).toMatch(
      /"h\.0\.attn\.c_attn\.weight" has shape \[12, 4\] but the config expects \[4, 12\]/,
    );
  });

  test('an untied llama without lm_head.weight, and internal names with a missing tensor', () => {
    const llama = configFromHuggingFace({
      model_type: 'llama',
      vocab_size: 5,
      hidden_size: 4,
      intermediate_size: 6,
      num_attention_heads: 2,
      num_hidden_layers: 1,
      max_position_embeddings: 8,
    });
    expect(errorOf(() => mapTensors(llama, new Map(), 'huggingface')).message).toMatch(
      /no tensor "model\.embed_tokens\.weight"/,
    );
    const c = createConfig({
      vocabSize: 5,
      dModel: 4,
      nLayer: 1,
      nHead: 2,
      maxPositions: 4,
      tiedEmbeddings: false,
    });
    const tensors = randomTensors(c, seededRandom(1));
    tensors.delete('lmheadw');
    expect(
      errorOf(() => loadTransformer({ config: c, tensors, backend: createReferenceBackend() })).message,
    ).toMatch(/no tensor "lmheadw"/);
  });
});

describe('Transformer: bad input leaves the model usable', () => {
  const config = createConfig({ vocabSize: 7, dModel: 4, nLayer: 1, nHead: 2, maxPositions: 5 });

  test('id ≥ vocab or negative → UNKNOWN_TOKEN; non-integer or empty → INVALID_ARGUMENT', () => {
    const model = randomModel(config, 3);
    expect(errorOf(() => model.forward([1, 7])).code).toBe('UNKNOWN_TOKEN');
    expect(errorOf(() => model.forward([1, 7])).message).toMatch(
      /token id 7 at index 1 is outside the vocabulary 0\.\.6/,
    );
    expect(errorOf(() => model.forwardCached([-1])).code).toBe('UNKNOWN_TOKEN');
    expect(errorOf(() => model.forward([1.5])).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => model.forward([])).code).toBe('INVALID_ARGUMENT');
  });

  test('a prompt longer than the context → CONTEXT_OVERFLOW saying the limit', () => {
    const model = randomModel(config, 3);
    const e = errorOf(() => model.forward([1, 2, 3, 4, 5, 6]));
    expect(e.code).toBe('CONTEXT_OVERFLOW');
    expect(e.message).toMatch(/context limit of 5 tokens/);
  });

  test('after errors the cache is intact: decoding continues as if they never happened', () => {
    const model = randomModel(config, 3);
    const reference = randomModel(config, 3).forward([1, 2, 3, 4]);
    model.forwardCached([1, 2, 3]);
    expect(errorOf(() => model.forwardCached([4, 9])).code).toBe('UNKNOWN_TOKEN');
    expect(errorOf(() => model.forwardCached([4, 4, 4])).code).toBe('CONTEXT_OVERFLOW');
    expect(model.position).toBe(3);
    const last = model.forwardCached([4]);
    expect(Array.from(last)).toEqual(Array.from(reference.subarray(3 * 7)));
  });

  test('encoder-only models refuse incremental decoding with a typed error', () => {
    const model = randomModel({ ...config, causal: false }, 3);
    expect(errorOf(() => model.forwardCached([1])).code).toBe('UNSUPPORTED');
    expect(model.encode([1, 2]).hidden.length).toBe(8);
  });
});
