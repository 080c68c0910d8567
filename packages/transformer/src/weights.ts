// Checkpoint tensors → the internal weight layout, checked before anything is uploaded.
// Internal layout (names after llm.c; every matrix in nn.Linear order [out, in] for backend.linear):
//   wte [V, C]   wpe [maxT, C] (learned)   lnfw, lnfb [C]   lmheadw [V, C] (absent when tied)
//   h.l.ln1w, ln1b [C]    h.l.qw [H·D, C]  qb [H·D]   h.l.kw, vw [Hkv·D, C]  kb, vb [Hkv·D]
//     (loaded stacked: qkvw = qw|kw|vw [H·D + 2·Hkv·D, C] and qkvb = qb|kb|vb, one product for all three)
//   h.l.attprojw [C, H·D] attprojb [C]     h.l.ln2w, ln2b [C]
//   h.l.fcw [F, C] fcb [F] (MLP up; SwiGLU up)   h.l.gatew [F, C] gateb [F] (SwiGLU gate)   h.l.projw [C, F] projb [C]
// Hugging Face names: GPT-2 (optional "transformer." prefix, Conv1D weights stored [in, out], fused c_attn
// q|k|v) and Llama/Qwen2 (model.layers.N.self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj).

import {
  type Backend,
  type HalfDtype,
  type HalfTensor,
  LlmfError,
  type Shape,
  type Tensor,
  type WeightTensor,
} from '@llmf/tensor';
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
 * Checkpoint tensors read one at a time, so a loader never holds every weight on the host at once:
 * every tensor's name and shape up front (all checks use these alone), then each tensor's f32 values on
 * demand. `readSafetensors`' Map is one (see {@link tensorSourceOf}); `@llmf/runtime-wasm` reads a
 * safetensors file tensor by tensor.
 */
export interface TensorSource {
  /** Name and shape of every tensor, and its storage dtype when known (safetensors names: 'F32', 'F16', 'BF16'...). */
  readonly entries: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly dtype?: string;
  }[];
  /** Write tensor `name`'s values (f32, row-major) into `out`, whose length is the tensor's element count. */
  readInto(name: string, out: Float32Array): void;
  /**
   * Optional: write the stored 16-bit patterns of an 'F16' or 'BF16' tensor into `out` (row-major, one per
   * value), so half-precision weights can stay half in backend memory (`weights: 'half'`).
   */
  readHalfInto?(name: string, out: Uint16Array): void;
}

/** A Map of host tensors as a {@link TensorSource} (the tensors are not modified). */
export function tensorSourceOf(tensors: Map<string, Tensor>): TensorSource {
  return {
    entries: [...tensors].map(([name, t]) => {
      // a tensor whose data does not fill its shape is reported with the shape its data has
      const n = t.shape.reduce((a, b) => a * b, 1);
      return { name, shape: t.data.length === n ? t.shape : [t.data.length] };
    }),
    readInto(name, out) {
      out.set((tensors.get(name) as Tensor).data);
    },
  };
}

/** How one internal tensor comes out of a checkpoint tensor. */
interface Placement {
  /** Internal name and shape. */
  name: string;
  shape: Shape;
  /** Columns [start, end) of a Conv1D weight [I, O], transposed (GPT-2), or elements [start, end) of a bias. */
  take?: { kind: 'columns' | 'range'; start: number; end: number };
}

/** One checkpoint tensor (name, shape) and the internal tensors it becomes. */
interface SourcePlan {
  source: string;
  shape: Shape;
  outputs: Placement[];
}

/**
 * Which checkpoint tensor becomes which internal one: the mapping table, checked against the names and
 * shapes of `entries` (every tensor present with its shape) before anything is read.
 * Throws ModelFormatError naming the first missing or mis-shaped tensor.
 */
function planTensors(c: ModelConfig, entries: TensorSource['entries'], naming: TensorNaming): SourcePlan[] {
  const shapes = new Map(entries.map((e) => [e.name, e.shape]));
  let plan: SourcePlan[];
  if (naming === 'llmf') {
    plan = expectedTensors(c).map((spec) => ({ source: spec.name, shape: spec.shape, outputs: [spec] }));
  } else if (c.modelType === 'gpt2') plan = planGpt2(c, shapes.has('transformer.wte.weight'));
  else if (c.modelType === 'llama' || c.modelType === 'qwen2') plan = planLlama(c);
  else {
    throw new ModelFormatError(
      `no Hugging Face tensor naming for model type "${c.modelType}"; pass naming 'llmf' with internal names`,
    );
  }
  for (const { source, shape } of plan) checkShape(source, shapes.get(source), shape);
  // the mapping and the spec must agree (a guard on this file's own tables)
  const outputs = new Map(plan.flatMap((p) => p.outputs.map((o) => [o.name, o.shape] as const)));
  for (const spec of expectedTensors(c)) checkShape(spec.name, outputs.get(spec.name), spec.shape);
  return plan;
}

function planGpt2(c: ModelConfig, prefixed: boolean): SourcePlan[] {
  const { vocabSize: V, dModel: C, dFf: F } = c;
  const p = prefixed ? 'transformer.' : '';
  const plan: SourcePlan[] = [];
  const direct = (name: string, source: string, shape: Shape) =>
    plan.push({ source, shape, outputs: [{ name, shape }] });
  // Conv1D weights are stored [in, out]: output columns [start, end) become an nn.Linear [end − start, in]
  const conv = (source: string, I: number, O: number, parts: [string, number, number][]) =>
    plan.push({
      source,
      shape: [I, O],
      outputs: parts.map(([name, start, end]) => ({
        name,
        shape: [end - start, I],
        take: { kind: 'columns', start, end },
      })),
    });
  direct('wte', `${p}wte.weight`, [V, C]);
  direct('wpe', `${p}wpe.weight`, [c.maxPositions, C]);
  for (let l = 0; l < c.nLayer; l++) {
    const src = `${p}h.${l}.`;
    const h = `h.${l}.`;
    direct(`${h}ln1w`, `${src}ln_1.weight`, [C]);
    direct(`${h}ln1b`, `${src}ln_1.bias`, [C]);
    // c_attn: x [T, C] · W [C, 3C] → q|k|v; each of q, k, v is a column block of W and a range of the bias
    const qkv: [string, number, number][] = ['q', 'k', 'v'].map((name, i) => [name, i * C, (i + 1) * C]);
    conv(
      `${src}attn.c_attn.weight`,
      C,
      3 * C,
      qkv.map(([n, a, b]) => [`${h}${n}w`, a, b]),
    );
    plan.push({
      source: `${src}attn.c_attn.bias`,
      shape: [3 * C],
      outputs: qkv.map(([n, start, end]) => ({
        name: `${h}${n}b`,
        shape: [C],
        take: { kind: 'range', start, end },
      })),
    });
    conv(`${src}attn.c_proj.weight`, C, C, [[`${h}attprojw`, 0, C]]);
    direct(`${h}attprojb`, `${src}attn.c_proj.bias`, [C]);
    direct(`${h}ln2w`, `${src}ln_2.weight`, [C]);
    direct(`${h}ln2b`, `${src}ln_2.bias`, [C]);
    conv(`${src}mlp.c_fc.weight`, C, F, [[`${h}fcw`, 0, F]]); // [C, F] → [F, C]
    direct(`${h}fcb`, `${src}mlp.c_fc.bias`, [F]);
    conv(`${src}mlp.c_proj.weight`, F, C, [[`${h}projw`, 0, C]]); // [F, C] → [C, F]
    direct(`${h}projb`, `${src}mlp.c_proj.bias`, [C]);
  }
  direct('lnfw', `${p}ln_f.weight`, [C]);
  direct('lnfb', `${p}ln_f.bias`, [C]);
  if (!c.tiedEmbeddings) direct('lmheadw', 'lm_head.weight', [V, C]);
  return plan;
}

function planLlama(c: ModelConfig): SourcePlan[] {
  const { vocabSize: V, dModel: C, dFf: F } = c;
  const qDim = c.nHead * c.dHead;
  const kvDim = c.nKvHead * c.dHead;
  const plan: SourcePlan[] = [];
  const direct = (name: string, source: string, shape: Shape) =>
    plan.push({ source, shape, outputs: [{ name, shape }] });
  direct('wte', 'model.embed_tokens.weight', [V, C]);
  for (let l = 0; l < c.nLayer; l++) {
    const src = `model.layers.${l}.`;
    const h = `h.${l}.`;
    direct(`${h}ln1w`, `${src}input_layernorm.weight`, [C]);
    for (const [name, proj, dim] of [
      ['q', 'q_proj', qDim],
      ['k', 'k_proj', kvDim],
      ['v', 'v_proj', kvDim],
    ] as const) {
      direct(`${h}${name}w`, `${src}self_attn.${proj}.weight`, [dim, C]);
      if (c.attentionBias) direct(`${h}${name}b`, `${src}self_attn.${proj}.bias`, [dim]);
    }
    direct(`${h}attprojw`, `${src}self_attn.o_proj.weight`, [C, qDim]);
    direct(`${h}ln2w`, `${src}post_attention_layernorm.weight`, [C]);
    direct(`${h}gatew`, `${src}mlp.gate_proj.weight`, [F, C]);
    direct(`${h}fcw`, `${src}mlp.up_proj.weight`, [F, C]);
    direct(`${h}projw`, `${src}mlp.down_proj.weight`, [C, F]);
  }
  direct('lnfw', 'model.norm.weight', [C]);
  if (!c.tiedEmbeddings) direct('lmheadw', 'lm_head.weight', [V, C]);
  return plan;
}

/** ModelFormatError unless tensor `name` exists (`actual` defined) with `shape`. */
function checkShape(name: string, actual: readonly number[] | undefined, shape: Shape): void {
  if (actual === undefined) {
    throw new ModelFormatError(
      `checkpoint has no tensor "${name}" (expected shape [${shape.join(', ')}]); is the config's model type or layer count right?`,
    );
  }
  if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
    throw new ModelFormatError(
      `checkpoint tensor "${name}" has shape [${actual.join(', ')}] but the config expects [${shape.join(', ')}]; the config.json does not match these weights`,
    );
  }
}

/** out ← the placement's part of a checkpoint tensor's values `src` (shape `from`; f32 values or half bits). */
function place<A extends Float32Array | Uint16Array>(out: A, src: A, from: Shape, p: Placement): void {
  if (p.take === undefined) out.set(src);
  else if (p.take.kind === 'range') out.set(src.subarray(p.take.start, p.take.end));
  else {
    // w [I, O] (Conv1D, [in, out]) columns [start, end) → out [end − start, I] (nn.Linear [out, in])
    const [I, O] = from as [number, number];
    const { start, end } = p.take;
    for (let o = 0; o < end - start; o++) {
      for (let i = 0; i < I; i++) out[o * I + i] = src[i * O + start + o];
    }
  }
}

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
  const plan = planTensors(c, tensorSourceOf(tensors).entries, naming);
  const out = new Map<string, Tensor>();
  for (const { source, shape, outputs } of plan) {
    const t = tensors.get(source) as Tensor;
    for (const p of outputs) {
      if (p.take === undefined) {
        out.set(p.name, t); // as given, no copy
      } else {
        const data = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
        place(data, t.data, shape, p);
        out.set(p.name, { shape: p.shape, data });
      }
    }
  }
  return out;
}

/**
 * Check the whole checkpoint from names and shapes, then read it one tensor at a time straight into
 * backend memory ('weights'): a tensor used as is is read into its backend buffer; one that is split or
 * transposed (GPT-2 Conv1D) is read into one host staging buffer (sized to the largest such tensor,
 * reused for every one), then placed. So the host holds at most one checkpoint tensor at a time and
 * leaves no per-tensor buffers behind for the garbage collector. Throws ModelFormatError before any read.
 */
export function loadWeights(
  backend: Pick<Backend, 'alloc' | 'upload' | 'allocHalf'>,
  c: ModelConfig,
  source: TensorSource,
  naming: TensorNaming,
  positionTable?: Tensor,
  weights: 'f32' | 'half' = 'f32',
): ModelWeights {
  const plan = planTensors(c, source.entries, naming); // validates everything before any read
  const halfOf = weights === 'half' ? halfDtypes(backend, source) : new Map<string, HalfDtype>();
  const loaded = new Map<string, WeightTensor>();
  const staging = new Staging(plan);
  const stacks = new QkvStacks(backend, c, plan, halfOf);
  // where an f32 output goes: its row range of the layer's q|k|v stack, or a tensor of its own
  const f32Slot = (p: Placement) =>
    (stacks.slot(p.name) as Tensor | undefined) ?? backend.alloc(p.shape, 'weights');
  for (const { source: name, shape, outputs } of plan) {
    const dtype = halfOf.get(name);
    // a half-stored matrix read only by linear / embedding (not wpe, which is added) stays half, unless it
    // is part of a q|k|v stack that is f32 (its other parts are stored f32)
    if (
      dtype !== undefined &&
      outputs.every((p) => p.shape.length === 2 && p.name !== 'wpe' && stacks.dtypeOf(p.name) !== 'f32')
    ) {
      loadHalf(backend, source, name, shape, outputs, dtype, loaded, staging, stacks);
      continue;
    }
    const single = outputs.length === 1 && outputs[0].take === undefined ? outputs[0] : undefined;
    if (single !== undefined) {
      const w = f32Slot(single);
      source.readInto(name, w.data);
      loaded.set(single.name, w);
      continue;
    }
    const host = staging.f32(shape.reduce((a, b) => a * b, 1)); // this tensor only, in the shared buffer
    source.readInto(name, host);
    for (const p of outputs) {
      const w = f32Slot(p);
      place(w.data, host, shape, p);
      loaded.set(p.name, w);
    }
  }
  return assembleWeights(
    c,
    loaded,
    stacks,
    positionTable === undefined ? undefined : backend.upload(positionTable, 'weights'),
  );
}

/** Rows [from, to) of a 2-D tensor (elements of a 1-D one) as a view whose data follows t's across memory grows. */
function liveRows<T extends Tensor | HalfTensor>(t: T, from: number, to: number): T {
  const width = t.shape.length === 2 ? t.shape[1] : 1;
  const view = {
    shape: Object.freeze(t.shape.length === 2 ? [to - from, width] : [to - from]),
    get data() {
      return t.data.subarray(from * width, to * width);
    },
  };
  return ('dtype' in t ? Object.assign(view, { dtype: t.dtype }) : view) as unknown as T;
}

/**
 * Each layer's q, k and v stacked in one tensor, so attention runs one product (one pass over the input,
 * one kernel call) for all three: qkvw [H·D + 2·Hkv·D, C] with qw, kw, vw as its row ranges, and qkvb
 * likewise. Allocated at a layer's first q/k/v tensor; half when all three are stored half (same dtype).
 */
class QkvStacks {
  readonly weights = new Map<number, WeightTensor>();
  readonly biases = new Map<number, Tensor>();
  private readonly dtypes = new Map<number, HalfDtype | 'f32'>();
  private readonly bounds: number[]; // row offsets of q, k, v and the end

  constructor(
    private readonly backend: Pick<Backend, 'alloc' | 'allocHalf'>,
    private readonly c: ModelConfig,
    plan: SourcePlan[],
    halfOf: Map<string, HalfDtype>,
  ) {
    const qDim = c.nHead * c.dHead;
    const kvDim = c.nKvHead * c.dHead;
    this.bounds = [0, qDim, qDim + kvDim, qDim + 2 * kvDim];
    for (const { source, outputs } of plan) {
      for (const p of outputs) {
        const part = parsePart(p.name);
        if (part === undefined || part.kind !== 'w') continue;
        const dtype = halfOf.get(source) ?? 'f32';
        const seen = this.dtypes.get(part.layer);
        this.dtypes.set(part.layer, seen === undefined || seen === dtype ? dtype : 'f32');
      }
    }
  }

  /** The stack's dtype for a q/k/v weight name; undefined for any other name. */
  dtypeOf(name: string): HalfDtype | 'f32' | undefined {
    const part = parsePart(name);
    return part === undefined || part.kind !== 'w' ? undefined : this.dtypes.get(part.layer);
  }

  /** The row range of the stack that q/k/v tensor `name` is loaded into (of the stack's dtype); undefined for other names. */
  slot(name: string): WeightTensor | undefined {
    const part = parsePart(name);
    if (part === undefined) return undefined;
    const [from, to] = [this.bounds[part.index], this.bounds[part.index + 1]];
    const rows = this.bounds[3];
    if (part.kind === 'b') {
      let b = this.biases.get(part.layer);
      if (b === undefined) {
        b = this.backend.alloc([rows], 'weights');
        this.biases.set(part.layer, b);
      }
      return liveRows(b, from, to);
    }
    let w = this.weights.get(part.layer);
    if (w === undefined) {
      const shape = [rows, this.c.dModel];
      const dtype = this.dtypes.get(part.layer) ?? 'f32';
      w =
        dtype === 'f32'
          ? this.backend.alloc(shape, 'weights')
          : (this.backend.allocHalf as NonNullable<Backend['allocHalf']>)(shape, dtype);
      this.weights.set(part.layer, w);
    }
    return liveRows(w, from, to);
  }
}

/** h.<layer>.<q|k|v><w|b> → its parts; undefined for any other name. */
function parsePart(name: string): { layer: number; index: number; kind: 'w' | 'b' } | undefined {
  const m = /^h\.(\d+)\.([qkv])([wb])$/.exec(name);
  if (m === null) return undefined;
  return { layer: Number(m[1]), index: 'qkv'.indexOf(m[2]), kind: m[3] as 'w' | 'b' };
}

/**
 * The host buffer that split / transposed checkpoint tensors are read into before they are placed: one
 * ArrayBuffer of 4 bytes × the largest such tensor (GPT-2 124M: c_fc, 768 × 3072 → 9 MiB), created on
 * first use and reused, instead of a fresh buffer per tensor (garbage that piled up in RSS
 * before the collector ran while GPT-2 124M loaded: ~40 MiB).
 */
class Staging {
  private readonly bytes: number;
  private buffer: ArrayBuffer | undefined;

  constructor(plan: SourcePlan[]) {
    let largest = 0;
    for (const { shape, outputs } of plan) {
      if (outputs.length === 1 && outputs[0].take === undefined) continue; // read in place
      largest = Math.max(
        largest,
        shape.reduce((a, b) => a * b, 1),
      );
    }
    this.bytes = 4 * largest;
  }

  /** A view of `n` f32 values at the start of the buffer (valid until the next call). */
  f32(n: number): Float32Array {
    return new Float32Array(this.get(), 0, n);
  }

  /** A view of `n` 16-bit values at the start of the buffer (valid until the next call). */
  u16(n: number): Uint16Array {
    return new Uint16Array(this.get(), 0, n);
  }

  private get(): ArrayBuffer {
    this.buffer ??= new ArrayBuffer(this.bytes);
    return this.buffer;
  }
}

/** The checkpoint tensors stored F16 / BF16, as half dtypes; throws when the backend or source cannot keep them half. */
function halfDtypes(backend: Pick<Backend, 'allocHalf'>, source: TensorSource): Map<string, HalfDtype> {
  if (backend.allocHalf === undefined) {
    throw new LlmfError(
      'UNSUPPORTED',
      "weights 'half': this backend does not keep half-precision weights (no allocHalf); load with weights 'f32'",
    );
  }
  if (source.readHalfInto === undefined) {
    throw new LlmfError(
      'UNSUPPORTED',
      "weights 'half': this tensor source cannot read stored 16-bit values (no readHalfInto); load with weights 'f32'",
    );
  }
  const out = new Map<string, HalfDtype>();
  for (const e of source.entries) {
    if (e.dtype === 'F16') out.set(e.name, 'f16');
    else if (e.dtype === 'BF16') out.set(e.name, 'bf16');
  }
  return out;
}

/** Read a half-stored checkpoint tensor's bits into half backend tensors (split / transposed as planned). */
function loadHalf(
  backend: Pick<Backend, 'allocHalf'>,
  source: TensorSource,
  name: string,
  shape: Shape,
  outputs: Placement[],
  dtype: HalfDtype,
  loaded: Map<string, WeightTensor>,
  staging: Staging,
  stacks: QkvStacks,
): void {
  // (checked by halfDtypes; called as methods so `this` stays the backend / source)
  const be = backend as Required<Pick<Backend, 'allocHalf'>>;
  const src = source as Required<TensorSource>;
  const slot = (p: Placement) =>
    (stacks.slot(p.name) as HalfTensor | undefined) ?? be.allocHalf(p.shape, dtype);
  if (outputs.length === 1 && outputs[0].take === undefined) {
    const w = slot(outputs[0]);
    src.readHalfInto(name, w.data);
    loaded.set(outputs[0].name, w);
    return;
  }
  const host = staging.u16(shape.reduce((a, b) => a * b, 1)); // this tensor's bits only, in the shared buffer
  src.readHalfInto(name, host);
  for (const p of outputs) {
    const w = slot(p);
    place(w.data, host, shape, p);
    loaded.set(p.name, w);
  }
}

/** One block's weights in backend memory (internal layout; optional tensors depend on the config). */
export interface LayerWeights {
  ln1w: Tensor; // [C]
  ln1b?: Tensor; // [C] (LayerNorm only)
  qkvw: WeightTensor; // [H·D + 2·Hkv·D, C]: the rows of W_q, then W_k, then W_v
  qkvb?: Tensor; // [H·D + 2·Hkv·D]: b_q | b_k | b_v
  attprojw: WeightTensor; // [C, H·D]
  attprojb?: Tensor; // [C]
  ln2w: Tensor; // [C]
  ln2b?: Tensor; // [C]
  gatew?: WeightTensor; // [F, C] (SwiGLU)
  gateb?: Tensor; // [F]
  fcw: WeightTensor; // [F, C]
  fcb?: Tensor; // [F]
  projw: WeightTensor; // [C, F]
  projb?: Tensor; // [C]
}

/** All weights of a model in backend memory. */
export interface ModelWeights {
  wte: WeightTensor; // [V, C] (f32, or half with weights 'half')
  wpe?: Tensor; // [maxT, C] (learned or sinusoidal positions)
  layers: LayerWeights[];
  lnfw: Tensor; // [C]
  lnfb?: Tensor; // [C]
  lmheadw: WeightTensor; // [V, C] (wte itself when tied: the same half table for gather and head)
}

/** The loaded internal tensors (backend memory) arranged per layer; `positions` replaces wpe (sinusoidal). */
function assembleWeights(
  c: ModelConfig,
  loaded: Map<string, WeightTensor>,
  stacks: QkvStacks,
  positions?: Tensor,
): ModelWeights {
  const get = (name: string) => loaded.get(name);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const w: Record<string, WeightTensor> = { qkvw: stacks.weights.get(l) as WeightTensor };
    const qkvb = stacks.biases.get(l);
    if (qkvb !== undefined) w.qkvb = qkvb;
    for (const key of [
      'ln1w',
      'ln1b',
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
      const t = get(`h.${l}.${key}`);
      if (t !== undefined) w[key] = t;
    }
    layers.push(w as unknown as LayerWeights);
  }
  const wte = get('wte') as WeightTensor;
  const wpe = positions ?? (get('wpe') as Tensor | undefined);
  const lnfb = get('lnfb') as Tensor | undefined;
  return {
    wte,
    ...(wpe === undefined ? {} : { wpe }),
    layers,
    lnfw: get('lnfw') as Tensor,
    ...(lnfb === undefined ? {} : { lnfb }),
    lmheadw: c.tiedEmbeddings ? wte : (get('lmheadw') as WeightTensor),
  };
}
