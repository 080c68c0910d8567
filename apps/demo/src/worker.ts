// The runtime worker: everything that touches the model runs here, off the page's main thread, so the page
// never freezes while weights load, the forward pass runs or tokens stream.
//   generation  — loadModel(...) → LLM on the WebAssembly backend (worker threads when the page is
//                 cross-origin isolated), llm.generate() streamed back token by token
//   inspection  — a second Transformer over the same checkpoint, loaded with recordAttention, that the
//                 panels read: token ids, E[id] rows, position rows, attention weights [H, T, T] per layer,
//                 and the next-token logits [V]

import { sinusoidalPositions } from '@llmf/attention';
import { type LLM, loadModel, selectBackend } from '@llmf/runtime-wasm';
import { type Backend, readSafetensors, readShardedSafetensors, type Tensor } from '@llmf/tensor';
import { loadTransformer, mapTensors, type Transformer } from '@llmf/transformer';
import { fileFolder, type ProgressReader, urlFolder } from './model-source';
import type { Analysis, ModelInfo, ModelSource, Reply, Request } from './protocol';

/** Most tokens the inspection panels look at: the attention heatmaps grow as T². */
const INSPECT_TOKENS = 64;

interface Loaded {
  llm: LLM;
  inspector: Transformer;
  inspectorBackend: Backend;
  /** Token embedding table wte [V, C] (host copy). */
  wte: Tensor;
  /** Position table [maxT, C] added to the embeddings, or undefined for RoPE. */
  positions: Tensor | undefined;
  info: ModelInfo;
}

const scope = self as unknown as {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
};
const post = (message: Reply, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let model: Loaded | undefined;
let loading: Promise<void> = Promise.resolve();
const generations = new Map<number, AbortController>();
/** Generations still running: a new load waits for them to end before disposing the model. */
const running = new Set<Promise<void>>();

scope.onmessage = (e) => {
  const request = e.data;
  switch (request.type) {
    case 'load':
      loading = loading.then(() => load(request.source, request.threads));
      break;
    case 'analyze':
      loading.then(() => analyze(request.id, request.text));
      break;
    case 'generate':
      loading.then(() => {
        const done = generate(request);
        running.add(done);
        done.finally(() => running.delete(done));
      });
      break;
    case 'abort':
      generations.get(request.id)?.abort();
      break;
  }
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function load(source: ModelSource, threads: number): Promise<void> {
  for (const controller of generations.values()) controller.abort();
  await Promise.allSettled([...running]); // aborted generations end at their next token
  if (model) {
    model.llm.dispose();
    model.inspectorBackend.dispose();
    model = undefined;
  }
  try {
    const onProgress = (p: { loaded: number; total: number; file: string }) =>
      post({ type: 'progress', ...p });
    const reader =
      source.kind === 'url' ? await urlFolder(source.base, onProgress) : fileFolder(source.files, onProgress);
    let llm: LLM;
    let usedThreads = threads;
    try {
      llm = await loadModel(reader.files, { backend: 'wasm', threads });
    } catch (e) {
      // worker threads could not start (e.g. no SharedArrayBuffer): the same kernels on one thread
      if (threads === 1 || (e as { code?: string }).code !== 'UNSUPPORTED') throw e;
      usedThreads = 1;
      llm = await loadModel(reader.files, { backend: 'wasm', threads: 1 });
    }
    model = await inspection(llm, reader, usedThreads);
    post({ type: 'loaded', info: model.info });
  } catch (e) {
    post({ type: 'load-error', message: message(e) });
  }
}

/** The inspection model and the host tables the Embed panel reads, from the checkpoint loadModel accepted. */
async function inspection(llm: LLM, reader: ProgressReader, threads: number): Promise<Loaded> {
  const config = llm.config;
  const single = await reader.bytes('model.safetensors');
  const tensors = single
    ? readSafetensors(single)
    : await readShardedSafetensors(
        new TextDecoder().decode(await reader.bytes('model.safetensors.index.json')),
        async (shard) => (await reader.bytes(shard))!,
      );
  let parameters = 0;
  for (const t of tensors.values()) parameters += t.data.length;
  const inspectTokens = Math.min(INSPECT_TOKENS, config.maxPositions);
  const inspectorBackend = await selectBackend('wasm', 1);
  const inspector = loadTransformer({
    config,
    tensors,
    backend: inspectorBackend,
    maxTokens: inspectTokens,
    recordAttention: true,
  });
  // internal names and layout: wte [V, C], wpe [maxT, C] (learned positions)
  const host = mapTensors(
    config,
    tensors,
    ['gpt2', 'llama', 'qwen2'].includes(config.modelType) ? 'huggingface' : 'llmf',
  );
  const wte = host.get('wte')!;
  const positions =
    config.positions === 'learned'
      ? host.get('wpe')
      : config.positions === 'sinusoidal'
        ? sinusoidalPositions(inspectTokens, config.dModel)
        : undefined;
  const vocab = Array.from({ length: config.vocabSize }, (_, id) => {
    try {
      return llm.tokenizer.decode([id]);
    } catch {
      return `⟨${id}⟩`; // an id of the weights that the tokenizer does not know
    }
  });
  const info: ModelInfo = {
    modelType: config.modelType,
    vocabSize: config.vocabSize,
    dModel: config.dModel,
    nLayer: config.nLayer,
    nHead: config.nHead,
    maxPositions: config.maxPositions,
    positions: config.positions,
    parameters,
    backendName: llm.backendName,
    threads,
    inspectTokens,
    files: reader.names,
    vocab,
  };
  return { llm, inspector, inspectorBackend, wte, positions, info };
}

function analyze(id: number, text: string): void {
  if (!model) return;
  try {
    const { llm, inspector, wte, positions } = model;
    const all = llm.encodePrompt(text);
    if (all.length === 0) throw new Error('type some text to look at');
    const ids = all.slice(0, model.info.inspectTokens);
    const T = ids.length;
    const C = model.info.dModel;
    const V = model.info.vocabSize;
    const logits = inspector.forward(ids); // [T, V]; records attention [H, T, T] per layer
    const nextLogits = logits.slice((T - 1) * V, T * V);
    const attention = Array.from({ length: model.info.nLayer }, (_, l) =>
      inspector.attentionWeights(l).data.slice(),
    );
    const tokenEmbeddings = new Float32Array(T * C); // [T, C] = rows E[ids[t]]
    for (let t = 0; t < T; t++) tokenEmbeddings.set(wte.data.subarray(ids[t] * C, (ids[t] + 1) * C), t * C);
    const positionEmbeddings = positions ? positions.data.slice(0, T * C) : undefined; // rows 0..T-1
    const pieces = ids.map((tokenId) => model!.info.vocab[tokenId]);
    const analysis: Analysis = {
      id,
      ids,
      pieces,
      totalTokens: all.length,
      tokenEmbeddings,
      positionEmbeddings,
      attention,
      nextLogits,
    };
    const transfer = [tokenEmbeddings.buffer, nextLogits.buffer, ...attention.map((a) => a.buffer)];
    if (positionEmbeddings) transfer.push(positionEmbeddings.buffer);
    post({ type: 'analysis', ...analysis }, transfer);
  } catch (e) {
    post({ type: 'error', id, message: message(e) });
  }
}

async function generate(request: Extract<Request, { type: 'generate' }>): Promise<void> {
  const { id, prompt, options } = request;
  if (!model) {
    post({ type: 'error', id, message: 'no model is loaded' });
    return;
  }
  const controller = new AbortController();
  generations.set(id, controller);
  let tokens = 0;
  const start = performance.now();
  try {
    const generation = model.llm.generate(prompt, { ...options, signal: controller.signal });
    for await (const token of generation) {
      tokens++;
      post({ type: 'token', id, tokenId: token.id, text: token.text });
    }
    const seconds = (performance.now() - start) / 1000;
    post({
      type: 'done',
      id,
      tokens,
      seconds,
      reason: generation.finishReason ?? 'abort',
      seed: generation.seed,
    });
  } catch (e) {
    post({ type: 'error', id, message: message(e) });
  } finally {
    generations.delete(id);
  }
}
