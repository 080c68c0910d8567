// A Hugging Face-style folder → a ready LLM:
//   config.json                                   → ModelConfig (gpt2, llama, qwen2)
//   tokenizer.json | vocab.json + merges.txt      → Tokenizer
//   model.safetensors | model.safetensors.index.json + shards → f32 tensors → Transformer on a Backend
// Small files are read and checked first, the weights last; any failure releases what was allocated, so a
// failed load leaves nothing behind.

import { LlmfError } from '@llmf/tensor';
import { Tokenizer } from '@llmf/tokenizer';
import {
  configFromHuggingFace,
  loadTransformer,
  type ModelConfig,
  ModelFormatError,
} from '@llmf/transformer';
import { createLLM, type LLM } from './llm';
import { type FileSource, type ModelFiles, openModelFiles, type ProgressCallback } from './model-files';
import { type BackendName, selectBackend } from './select-backend';
import { openWeightSource, type WeightFile, type WeightSource } from './weight-source';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Kernels: 'js' (reference, plain TypeScript) or 'wasm' (WebAssembly SIMD). Default: see selectBackend. */
  backend?: BackendName;
  /** Worker threads for backends that use them (integer ≥ 1). */
  threads?: number;
  /** Context length to allocate the KV cache for; default and maximum: the model's (config.json). */
  contextLength?: number;
  /** Progress while files are read: bytes so far, bytes in all, the current file. */
  onProgress?: ProgressCallback;
  /**
   * 'f32' (default): every weight is widened to f32 at load. 'half': matrices the checkpoint stores F16 or
   * BF16 (linear weights, the token embedding, a tied LM head: one table for both) stay in that storage in
   * backend memory (half the bytes), widened to f32 inside the kernels, which sum in f32; norms, biases
   * and learned positions stay f32. An F32 checkpoint loads the same either way.
   */
  weights?: 'f32' | 'half';
}

const WEIGHTS = 'model.safetensors';
const WEIGHTS_INDEX = 'model.safetensors.index.json';
const expectedLayout =
  'config.json, model.safetensors (or model.safetensors.index.json with its shards), and tokenizer.json (or vocab.json + merges.txt)';

/**
 * Load a model from a Hugging Face-style folder: a directory path (Node), an http(s) URL of a folder
 * (fetch), or {@link ModelFiles} (anywhere: a map of file name → bytes or text, or a reader).
 * Throws LlmfError: 'INVALID_ARGUMENT' (options, checked before any file is read), 'NOT_FOUND' (no such
 * directory, a URL that cannot be fetched), 'MODEL_FORMAT' (a missing file — the message lists what was
 * expected and what was found —, bad config, corrupt or mismatched weights), 'TOKENIZER_FORMAT',
 * 'OUT_OF_MEMORY'. A failed load releases everything it allocated.
 * @example
 * const llm = await loadModel('fixtures/models/gpt2-tiny', { backend: 'js' });
 * for await (const { text } of llm.generate('The cat', { maxTokens: 8, temperature: 0 })) process.stdout.write(text);
 */
export async function loadModel(dir: string | ModelFiles, o: LoadModelOptions = {}): Promise<LLM> {
  if (o === null || typeof o !== 'object')
    throw new LlmfError('INVALID_ARGUMENT', 'loadModel: options must be an object');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new LlmfError('INVALID_ARGUMENT', 'loadModel: onProgress must be a function');
  }
  // the backend options are checked again by selectBackend; here they fail before any file is read
  if (o.backend !== undefined && o.backend !== 'wasm' && o.backend !== 'js') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `loadModel: backend "${String(o.backend)}" is unknown; use 'wasm' or 'js'`,
    );
  }
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1)) {
    throw new LlmfError('INVALID_ARGUMENT', `loadModel: threads is ${String(o.threads)}; use an integer ≥ 1`);
  }
  if (o.weights !== undefined && o.weights !== 'f32' && o.weights !== 'half') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `loadModel: weights is ${String(o.weights)}; use 'f32' or 'half'`,
    );
  }
  const files = await openModelFiles(dir);
  const progress = await planProgress(files, o.onProgress);

  // 1. config.json
  const config = await readConfig(files, progress);
  const contextLength = o.contextLength ?? config.maxPositions;
  if (!Number.isInteger(contextLength) || contextLength < 1 || contextLength > config.maxPositions) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `loadModel: contextLength is ${String(o.contextLength)}; use an integer in 1..${config.maxPositions} (the model's context)`,
    );
  }

  // 2. the tokenizer, and whether text prompts start with BOS (the post-processor encode() does not apply)
  const { tokenizer, promptPrefix } = await readPromptTokenizer(files, progress, config);

  // 3. the weights' headers (every name and shape), 4. the backend, then the weights one tensor at a time
  // straight into backend memory (from disk by byte range: the host never holds the whole checkpoint)
  const tensors = await openWeights(files, progress);
  try {
    const backend = await selectBackend(o.backend, o.threads);
    try {
      // backends with growable memory (wasm) take the total up front: one grow instead of many while uploading
      const weights = o.weights ?? 'f32';
      (backend as { reserve?(bytes: number): void }).reserve?.(
        tensorBytes(config, tensors, contextLength, weights),
      );
      const transformer = loadTransformer({ config, tensors, backend, maxTokens: contextLength, weights });
      return createLLM({ tokenizer, config, transformer, backend, promptPrefix });
    } catch (e) {
      backend.dispose(); // nothing half-loaded: release whatever the backend allocated
      throw e;
    }
  } finally {
    tensors.close();
  }
}

/** A model's tokenizer and config without its weights (see {@link loadTokenizer}). */
export interface ModelTokenizer {
  /** Text ⇄ ids for this model. */
  readonly tokenizer: Tokenizer;
  /** The normalised model config. */
  readonly config: ModelConfig;
  /** Text → the ids `LLM.generate(text)` starts from: BOS first when the tokenizer files ask for it. */
  encodePrompt(text: string): number[];
}

/**
 * The tokenizer, config and prompt encoding of a model folder, reading no weights: the same files and
 * checks as {@link loadModel}'s first steps, for tools that tokenize or run the model their own way.
 * Throws like loadModel ('NOT_FOUND', 'MODEL_FORMAT', 'TOKENIZER_FORMAT').
 * @example
 * const { encodePrompt } = await loadTokenizer('fixtures/models/gpt2-tiny');
 * encodePrompt('The cat'); // the ids generate('The cat') starts from
 */
export async function loadTokenizer(dir: string | ModelFiles): Promise<ModelTokenizer> {
  const files = await openModelFiles(dir);
  const progress = await planProgress(files, undefined);
  const config = await readConfig(files, progress);
  const { tokenizer, promptPrefix } = await readPromptTokenizer(files, progress, config);
  return { tokenizer, config, encodePrompt: (text) => [...promptPrefix, ...tokenizer.encode(text)] };
}

/** config.json (and generation_config.json's extra EOS ids) → the normalised config. */
async function readConfig(files: FileSource, progress: Progress): Promise<ModelConfig> {
  const configBytes = await progress.read('config.json');
  if (configBytes === undefined) throw await missing(files, 'config.json');
  const config = configFromHuggingFace(parseJson(configBytes, 'config.json'));
  const generationConfig = await progress.read('generation_config.json');
  if (generationConfig !== undefined) addEos(config, parseJson(generationConfig, 'generation_config.json'));
  return config;
}

/** The tokenizer (checked against the config's vocabulary) and the ids every text prompt starts with. */
async function readPromptTokenizer(
  files: FileSource,
  progress: Progress,
  config: ModelConfig,
): Promise<{ tokenizer: Tokenizer; promptPrefix: number[] }> {
  const { tokenizer, json: tokenizerJson } = await readTokenizer(files, progress);
  const tokenizerConfigBytes = await progress.read('tokenizer_config.json');
  const tokenizerConfig = tokenizerConfigBytes && parseJson(tokenizerConfigBytes, 'tokenizer_config.json');
  const promptPrefix = bosPrefix(config, tokenizer, tokenizerJson, tokenizerConfig);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ModelFormatError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocabSize}; the tokenizer and the weights belong to different models`,
    );
  }
  return { tokenizer, promptPrefix };
}

/** Bytes of the model's resident tensors: the weights (f32, or half where kept half) and the KV cache [L, 2, context, Hkv, D]. */
function tensorBytes(
  config: ModelConfig,
  weights: WeightSource,
  contextLength: number,
  kind: 'f32' | 'half',
): number {
  const weightBytes = kind === 'half' ? weights.halfBytes : weights.f32Bytes;
  return weightBytes + 4 * 2 * config.nLayer * contextLength * config.nKvHead * config.dHead;
}

function parseJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelFormatError(`${file} is not valid JSON (${(e as Error).message}); is the file complete?`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelFormatError(`${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** generation_config.json may name more end-of-sequence ids (e.g. Llama 3's <|eot_id|>). */
function addEos(config: ModelConfig, generation: Record<string, unknown>): void {
  const eos = generation.eos_token_id;
  const ids = typeof eos === 'number' ? [eos] : Array.isArray(eos) ? eos : [];
  for (const id of ids) {
    if (Number.isInteger(id) && !config.eosTokenIds.includes(id)) config.eosTokenIds.push(id);
  }
}

async function readTokenizer(
  files: FileSource,
  progress: Progress,
): Promise<{ tokenizer: Tokenizer; json?: unknown }> {
  const bytes = await progress.read('tokenizer.json');
  if (bytes !== undefined) {
    const text = new TextDecoder().decode(bytes);
    const tokenizer = Tokenizer.fromHuggingFace(text); // checks the JSON first, with the tokenizer's own errors
    return { tokenizer, json: JSON.parse(text) };
  }
  const vocab = await progress.read('vocab.json');
  const merges = vocab === undefined ? undefined : await progress.read('merges.txt');
  if (vocab === undefined || merges === undefined)
    throw await missing(files, 'tokenizer.json (or vocab.json + merges.txt)');
  const text = new TextDecoder();
  return { tokenizer: Tokenizer.fromVocabAndMerges(text.decode(vocab), text.decode(merges)) };
}

/**
 * The ids a text prompt starts with: [BOS] when the tokenizer files ask for it — tokenizer_config.json
 * `"add_bos_token": true` (Llama 2, Mistral, TinyLlama), or a tokenizer.json TemplateProcessing
 * post-processor (alone or in a Sequence) whose single-sequence template starts with a special token
 * (Llama 3) — else [].
 */
function bosPrefix(
  config: ModelConfig,
  tokenizer: Tokenizer,
  tokenizerJson: unknown,
  tokenizerConfig: Record<string, unknown> | undefined,
): number[] {
  const addBos = tokenizerConfig?.add_bos_token;
  if (addBos === false) return [];
  if (addBos === true) {
    const text = tokenText(tokenizerConfig?.bos_token);
    const id = text === undefined ? config.bosTokenId : (tokenizer.specialTokens[text] ?? config.bosTokenId);
    if (id === undefined) {
      throw new ModelFormatError(
        'tokenizer_config.json sets add_bos_token but names no bos_token, and config.json has no bos_token_id',
      );
    }
    return [id];
  }
  const post = (tokenizerJson as { post_processor?: Json } | undefined)?.post_processor;
  const templates = post?.type === 'Sequence' && Array.isArray(post.processors) ? post.processors : [post];
  for (const t of templates as (Json | undefined)[]) {
    if (t?.type !== 'TemplateProcessing' || !Array.isArray(t.single)) continue;
    const first = (t.single as Json[])[0]?.SpecialToken as Json | undefined;
    if (first === undefined) return [];
    const ids = ((t.special_tokens as Json | undefined)?.[first.id as string] as Json | undefined)?.ids;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0 && id < config.vocabSize)) {
      throw new ModelFormatError(
        `tokenizer.json post_processor: special token "${String(first.id)}" has no valid ids`,
      );
    }
    return ids as number[];
  }
  return [];
}

type Json = Record<string, unknown>;

/** A token in tokenizer_config.json: "text" or { "content": "text", ... }. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const content = (value as Json | null | undefined)?.content;
  return typeof content === 'string' ? content : undefined;
}

/**
 * model.safetensors, or the index and its shards, as a WeightSource: opened by byte range where the source
 * can (a directory), else read whole. Headers are checked here; tensors are read by the loader.
 */
async function openWeights(files: FileSource, progress: Progress): Promise<WeightSource> {
  const open = async (name: string): Promise<WeightFile | undefined> => {
    if (files.openRandom) {
      const file = await files.openRandom(name);
      return file && { file, onBytes: await progress.reporter(name) };
    }
    const bytes = await progress.read(name);
    return bytes && { bytes };
  };
  const single = await open(WEIGHTS);
  if (single !== undefined) return openWeightSource({ single });
  const index = await progress.read(WEIGHTS_INDEX);
  if (index === undefined) throw await missing(files, `${WEIGHTS} (or ${WEIGHTS_INDEX} with its shards)`);
  return openWeightSource({
    index: new TextDecoder().decode(index),
    async open(shard) {
      const from = await open(shard);
      if (from === undefined) throw await missing(files, `${shard} (a shard named in ${WEIGHTS_INDEX})`);
      return from;
    },
  });
}

/** The error for a missing file: what was expected, and what the folder holds. */
async function missing(files: FileSource, what: string): Promise<LlmfError> {
  const found = await files.list().catch(() => undefined);
  const listing =
    found === undefined
      ? ''
      : found.length === 0
        ? ' It is empty.'
        : ` It holds: ${found.slice(0, 20).join(', ')}${found.length > 20 ? ', …' : ''}.`;
  return new ModelFormatError(
    `${files.origin} is not a model folder: ${what} is missing.${listing} Expected a Hugging Face layout: ${expectedLayout}.`,
  );
}

interface Progress {
  read(name: string): Promise<Uint8Array | undefined>;
  /** For a file read piecewise elsewhere: reports its bytes as they are read. */
  reporter(name: string): Promise<((n: number) => void) | undefined>;
}

/** Wraps reads with progress reports; the total counts the files a load reads, as far as sizes are known. */
async function planProgress(files: FileSource, onProgress: ProgressCallback | undefined): Promise<Progress> {
  if (!onProgress) return { read: (name) => files.read(name), reporter: async () => undefined };
  const planned = [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'vocab.json',
    'merges.txt',
    WEIGHTS,
    WEIGHTS_INDEX,
    'tokenizer_config.json',
  ];
  const sizes = await Promise.all(planned.map((name) => files.size(name)));
  // vocab.json + merges.txt are only read without tokenizer.json, and the index only without model.safetensors
  const skip = new Set<string>();
  if (sizes[2] !== undefined) skip.add('vocab.json').add('merges.txt');
  if (sizes[5] !== undefined) skip.add(WEIGHTS_INDEX);
  let total = planned.reduce((sum, name, i) => sum + (skip.has(name) ? 0 : (sizes[i] ?? 0)), 0);
  const counted = new Set(planned.filter((name, i) => !skip.has(name) && sizes[i] !== undefined));
  let loaded = 0;
  const count = async (name: string) => {
    if (counted.has(name)) return;
    const size = await files.size(name); // a shard, or a file whose size the source could not tell
    if (size !== undefined) total += size;
    counted.add(name);
  };
  const report = (name: string) => (n: number) => {
    loaded += n;
    if (loaded > total) total = loaded;
    onProgress({ loaded, total, file: name });
  };
  return {
    async read(name) {
      await count(name);
      return files.read(name, report(name));
    },
    async reporter(name) {
      await count(name);
      return report(name);
    },
  };
}
