// Checkpoint tensors → the internal weight layout, checked before anything is uploaded.
// Internal layout (names after llm.c; every matrix in nn.Linear order [out, in] for backend.linear):
//   wte [V, C]   wpe [maxT, C] (learned)   lnfw, lnfb [C]   lmheadw [V, C] (absent when tied)
//   h.l.ln1w, ln1b [C]    h.l.qw [H·D, C]  qb [H·D]   h.l.kw, vw [Hkv·D, C]  kb, vb [Hkv·D]
//   h.l.attprojw [C, H·D] attprojb [C]     h.l.ln2w, ln2b [C]
//   h.l.fcw [F, C] fcb [F] (MLP up; SwiGLU up)   h.l.gatew [F, C] gateb [F] (SwiGLU gate)   h.l.projw [C, F] projb [C]
// Hugging Face names: GPT-2 (optional "transformer." prefix, Conv1D weights stored [in, out], fused c_attn
// q|k|v) and Llama/Qwen2 (model.layers.N.self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj).

import type { Shape, Tensor } from '@llmf/tensor';
import type { ModelConfig } from './config';
import { ModelFormatError } from './errors';

/** One tensor the model expects: its internal name and shape. */
export interface TensorSpec {
  name: string;
  shape: Shape;
}

/** The tensors a model of this config reads, in internal names and layout. */
export function expectedTensors(c: ModelConfig): TensorSpec[] {
  const { vocabSize: V, dModel: C, dFf: F, dHead: D } = c;
  const qDim = c.nHead * D;
  const kvDim = c.nKvHead * D;
  const specs: TensorSpec[] = [{ name: 'wte', shape: [V, C] }];
  if (c.positions === 'learned') specs.push({ name: 'wpe', shape: [c.maxPositions, C] });
  const norm = (name: string) => {
    specs.push({ name: `${name}w`, shape: [C] });
    if (c.norm === 'layer') specs.push({ name: `${name}b`, shape: [C] });
  };
  const linear = (name: string, out: number, inDim: number, bias: boolean) => {
    specs.push({ name: `${name}w`, shape: [out, inDim] });
    if (bias) specs.push({ name: `${name}b`, shape: [out] });
  };
  for (let l = 0; l < c.nLayer; l++) {
    const h = `h.${l}.`;
    norm(`${h}ln1`);
    linear(`${h}q`, qDim, C, c.attentionBias);
    linear(`${h}k`, kvDim, C, c.attentionBias);
    linear(`${h}v`, kvDim, C, c.attentionBias);
    linear(`${h}attproj`, C, qDim, c.linearBias);
    norm(`${h}ln2`);
    if (c.ffn === 'swiglu') linear(`${h}gate`, F, C, c.linearBias);
    linear(`${h}fc`, F, C, c.linearBias);
    linear(`${h}proj`, C, F, c.linearBias);
  }
  norm('lnf');
  if (!c.tiedEmbeddings) specs.push({ name: 'lmheadw', shape: [V, C] });
  return specs;
}

/** Naming of the tensors handed to the loader: Hugging Face checkpoint names or the internal ones. */
export type TensorNaming = 'huggingface' | 'llmf';

/**
 * Check every expected tensor (presence and shape) and return them in internal names and layout
 * (host tensors; GPT-2 Conv1D weights transposed, c_attn split). Throws ModelFormatError naming the
 * first missing or mis-shaped tensor; never returns a partial set. The input map is not changed.
 */
export function mapTensors(
  c: ModelConfig,
  tensors: Map<string, Tensor>,
  naming: TensorNaming,
): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  if (naming === 'llmf') {
    for (const spec of expectedTensors(c)) out.set(spec.name, take(tensors, spec.name, spec.shape));
    return out;
  }
  if (c.modelType === 'gpt2') mapGpt2(c, tensors, out);
  else if (c.modelType === 'llama' || c.modelType === 'qwen2') mapLlama(c, tensors, out);
  else {
    throw new ModelFormatError(
      `no Hugging Face tensor naming for model type "${c.modelType}"; pass naming 'llmf' with internal names`,
    );
  }
  // the mapping and the spec must agree (a guard on this file's own tables)
  for (const spec of expectedTensors(c)) take(out, spec.name, spec.shape);
  return out;
}

function mapGpt2(c: ModelConfig, hf: Map<string, Tensor>, out: Map<string, Tensor>): void {
  const { vocabSize: V, dModel: C, dFf: F } = c;
  const p = hf.has('transformer.wte.weight') ? 'transformer.' : '';
  out.set('wte', take(hf, `${p}wte.weight`, [V, C]));
  out.set('wpe', take(hf, `${p}wpe.weight`, [c.maxPositions, C]));
  for (let l = 0; l < c.nLayer; l++) {
    const src = `${p}h.${l}.`;
    const h = `h.${l}.`;
    out.set(`${h}ln1w`, take(hf, `${src}ln_1.weight`, [C]));
    out.set(`${h}ln1b`, take(hf, `${src}ln_1.bias`, [C]));
    // c_attn: x [T, C] · W [C, 3C] → q|k|v; stored [in, out], so each of q, k, v is a column block
    const qkvw = take(hf, `${src}attn.c_attn.weight`, [C, 3 * C]);
    const qkvb = take(hf, `${src}attn.c_attn.bias`, [3 * C]);
    ['q', 'k', 'v'].forEach((name, i) => {
      out.set(`${h}${name}w`, transposeColumns(qkvw, i * C, (i + 1) * C)); // [C, C] block → [C_out, C_in]
      out.set(`${h}${name}b`, { shape: [C], data: qkvb.data.slice(i * C, (i + 1) * C) });
    });
    out.set(`${h}attprojw`, transposeColumns(take(hf, `${src}attn.c_proj.weight`, [C, C]), 0, C));
    out.set(`${h}attprojb`, take(hf, `${src}attn.c_proj.bias`, [C]));
    out.set(`${h}ln2w`, take(hf, `${src}ln_2.weight`, [C]));
    out.set(`${h}ln2b`, take(hf, `${src}ln_2.bias`, [C]));
    out.set(`${h}fcw`, transposeColumns(take(hf, `${src}mlp.c_fc.weight`, [C, F]), 0, F)); // [C, F] → [F, C]
    out.set(`${h}fcb`, take(hf, `${src}mlp.c_fc.bias`, [F]));
    out.set(`${h}projw`, transposeColumns(take(hf, `${src}mlp.c_proj.weight`, [F, C]), 0, C)); // [F, C] → [C, F]
    out.set(`${h}projb`, take(hf, `${src}mlp.c_proj.bias`, [C]));
  }
  out.set('lnfw', take(hf, `${p}ln_f.weight`, [C]));
  out.set('lnfb', take(hf, `${p}ln_f.bias`, [C]));
  if (!c.tiedEmbeddings) out.set('lmheadw', take(hf, 'lm_head.weight', [V, C]));
}

function mapLlama(c: ModelConfig, hf: Map<string, Tensor>, out: Map<string, Tensor>): void {
  const { vocabSize: V, dModel: C, dFf: F } = c;
  const qDim = c.nHead * c.dHead;
  const kvDim = c.nKvHead * c.dHead;
  out.set('wte', take(hf, 'model.embed_tokens.weight', [V, C]));
  for (let l = 0; l < c.nLayer; l++) {
    const src = `model.layers.${l}.`;
    const h = `h.${l}.`;
    out.set(`${h}ln1w`, take(hf, `${src}input_layernorm.weight`, [C]));
    for (const [name, proj, dim] of [
      ['q', 'q_proj', qDim],
      ['k', 'k_proj', kvDim],
      ['v', 'v_proj', kvDim],
    ] as const) {
      out.set(`${h}${name}w`, take(hf, `${src}self_attn.${proj}.weight`, [dim, C]));
      if (c.attentionBias) out.set(`${h}${name}b`, take(hf, `${src}self_attn.${proj}.bias`, [dim]));
    }
    out.set(`${h}attprojw`, take(hf, `${src}self_attn.o_proj.weight`, [C, qDim]));
    out.set(`${h}ln2w`, take(hf, `${src}post_attention_layernorm.weight`, [C]));
    out.set(`${h}gatew`, take(hf, `${src}mlp.gate_proj.weight`, [F, C]));
    out.set(`${h}fcw`, take(hf, `${src}mlp.up_proj.weight`, [F, C]));
    out.set(`${h}projw`, take(hf, `${src}mlp.down_proj.weight`, [C, F]));
  }
  out.set('lnfw', take(hf, 'model.norm.weight', [C]));
  if (!c.tiedEmbeddings) out.set('lmheadw', take(hf, 'lm_head.weight', [V, C]));
}

/** The tensor `name`, checked to have `shape`; ModelFormatError naming it otherwise. */
function take(tensors: Map<string, Tensor>, name: string, shape: Shape): Tensor {
  const t = tensors.get(name);
  if (t === undefined) {
    throw new ModelFormatError(
      `checkpoint has no tensor "${name}" (expected shape [${shape.join(', ')}]); is the config's model type or layer count right?`,
    );
  }
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new ModelFormatError(
      `checkpoint tensor "${name}" has shape [${t.shape.join(', ')}] but the config expects [${shape.join(', ')}]; the config.json does not match these weights`,
    );
  }
  return t;
}

/** Columns [start, end) of w [I, O] (Conv1D, [in, out]) transposed to [end − start, I] (nn.Linear [out, in]). */
function transposeColumns(w: Tensor, start: number, end: number): Tensor {
  const [I, O] = w.shape as [number, number];
  const n = end - start;
  const data = new Float32Array(n * I);
  for (let o = 0; o < n; o++) {
    for (let i = 0; i < I; i++) data[o * I + i] = w.data[i * O + start + o];
  }
  return { shape: [n, I], data };
}

/** One block's weights in backend memory (internal layout; optional tensors depend on the config). */
export interface LayerWeights {
  ln1w: Tensor; // [C]
  ln1b?: Tensor; // [C] (LayerNorm only)
  qw: Tensor; // [H·D, C]
  qb?: Tensor; // [H·D]
  kw: Tensor; // [Hkv·D, C]
  kb?: Tensor; // [Hkv·D]
  vw: Tensor; // [Hkv·D, C]
  vb?: Tensor; // [Hkv·D]
  attprojw: Tensor; // [C, H·D]
  attprojb?: Tensor; // [C]
  ln2w: Tensor; // [C]
  ln2b?: Tensor; // [C]
  gatew?: Tensor; // [F, C] (SwiGLU)
  gateb?: Tensor; // [F]
  fcw: Tensor; // [F, C]
  fcb?: Tensor; // [F]
  projw: Tensor; // [C, F]
  projb?: Tensor; // [C]
}

/** All weights of a model in backend memory. */
export interface ModelWeights {
  wte: Tensor; // [V, C]
  wpe?: Tensor; // [maxT, C] (learned or sinusoidal positions)
  layers: LayerWeights[];
  lnfw: Tensor; // [C]
  lnfb?: Tensor; // [C]
  lmheadw: Tensor; // [V, C] (wte itself when tied)
}

/** Upload checked internal tensors (from {@link mapTensors}) once, as 'weights'. */
export function uploadWeights(
  backend: { upload(t: Tensor, usage: 'weights'): Tensor },
  c: ModelConfig,
  host: Map<string, Tensor>,
  positionTable?: Tensor,
): ModelWeights {
  const up = (name: string) => {
    const t = host.get(name);
    return t === undefined ? undefined : backend.upload(t, 'weights');
  };
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const w: Record<string, Tensor> = {};
    for (const key of [
      'ln1w',
      'ln1b',
      'qw',
      'qb',
      'kw',
      'kb',
      'vw',
      'vb',
      'attprojw',
      'attprojb',
      'ln2w',
      'ln2b',
      'gatew',
      'gateb',
      'fcw',
      'fcb',
      'projw',
      'projb',
    ]) {
      const t = up(`h.${l}.${key}`);
      if (t !== undefined) w[key] = t;
    }
    layers.push(w as unknown as LayerWeights);
  }
  const wte = up('wte') as Tensor;
  const wpe = positionTable === undefined ? up('wpe') : backend.upload(positionTable, 'weights');
  const lnfb = up('lnfb');
  return {
    wte,
    ...(wpe === undefined ? {} : { wpe }),
    layers,
    lnfw: up('lnfw') as Tensor,
    ...(lnfb === undefined ? {} : { lnfb }),
    lmheadw: c.tiedEmbeddings ? wte : (up('lmheadw') as Tensor),
  };
}
