// The generation loop (seed §6): prefill the prompt, then one token at a time
//   logits [V] → sample → id → stream its text → forward([id]) → logits [V] …
// until EOS, maxTokens, a stop string, a full context, or the caller's AbortSignal.
// Prefix caching: the model remembers which ids its KV cache holds (the last prompt and the tokens fed
// after it); a new prompt that starts with some of them rewinds the cache to that common prefix and
// prefills only the rest (at least one token, whose logits start the sampling).

import { createRng, randomSeed, sample } from '@llmf/sampling';
import { LlmfError } from '@llmf/tensor';
import type { Tokenizer } from '@llmf/tokenizer';
import type { ModelConfig, Transformer } from '@llmf/transformer';

/** Options of `LLM.generate`. */
export interface GenerateOptions {
  /** Most tokens to generate (integer ≥ 1). Default: min(256, the room left in the context). */
  maxTokens?: number;
  /** 0 = greedy (argmax); 1 = the model's distribution. Default 1. */
  temperature?: number;
  /** Sample only among the k most probable tokens. */
  topK?: number;
  /** Sample only among the smallest set of tokens reaching probability p, in (0, 1]. */
  topP?: number;
  /** Sample only among tokens with probability ≥ minP · the top probability. */
  minP?: number;
  /** > 1 discourages tokens already in the prompt or the output (CTRL / Hugging Face rule). */
  repetitionPenalty?: number;
  /** Seed of the sampler (integer in [0, 2⁵³)); the same seed, prompt and options give the same tokens. Default: random (@llmf/sampling `randomSeed()`, from crypto.getRandomValues), read it back from `Generation.seed`. */
  seed?: number;
  /** Generation ends before the first occurrence of any of these strings; that text never reaches the caller. */
  stop?: string | string[];
  /** Aborting ends the generation cleanly (the loop just ends, nothing is thrown). */
  signal?: AbortSignal;
}

/** One generated token and the text it completes (may be '' while a character or a possible stop string is incomplete). */
export interface GeneratedToken {
  id: number;
  text: string;
}

/** Why a generation ended. 'context': the context window is full. */
export type FinishReason = 'eos' | 'length' | 'stop' | 'abort' | 'context';

/** Token counts of one generation (a live object: the prefill counts are set when iteration starts). */
export interface GenerationStats {
  /** Ids of the prompt (after BOS, for text prompts). */
  readonly promptTokens: number;
  /** Prompt ids whose keys/values were reused from the previous generation's KV cache (a common prefix). */
  readonly cachedTokens: number;
  /** Prompt ids run through the model before the first token: promptTokens − cachedTokens (≥ 1). */
  readonly prefillTokens: number;
  /** Tokens sampled so far (EOS excluded; includes any still held back by the text stream). */
  readonly generatedTokens: number;
}

/** The stream returned by `LLM.generate`: iterate it once with `for await`. */
export interface Generation extends AsyncGenerator<GeneratedToken, void, undefined> {
  /** The sampler's seed (the one given, or the random one drawn): pass it again to reproduce this run. */
  readonly seed: number;
  /** Why the generation ended; undefined while it runs. */
  readonly finishReason: FinishReason | undefined;
  /** How much of the prompt was prefilled and how much came from the KV cache; tokens generated. */
  readonly stats: GenerationStats;
}

/** What the loop needs from a loaded model. */
export interface GenerationModel {
  readonly tokenizer: Tokenizer;
  readonly config: ModelConfig;
  readonly transformer: Transformer;
  /** Ids every text prompt starts with ([BOS] for models whose tokenizer files ask for it). */
  readonly promptPrefix: readonly number[];
  /** Called when iteration starts (throws when busy or disposed); `release` when it ends. */
  acquire(): void;
  release(): void;
  /** False once the model is disposed. */
  usable(): boolean;
  /**
   * The ids whose keys/values the transformer's KV cache holds, in order (the prefix cache record).
   * The loop keeps it equal to the cache: set before each change of the cache, emptied on any failure.
   */
  cachedIds: number[];
}

/** Default most tokens per generation (further bounded by the context). */
const DEFAULT_MAX_TOKENS = 256;

/**
 * Check everything, then return the lazy stream. Errors in the options or the prompt (typed LlmfError:
 * INVALID_ARGUMENT, UNKNOWN_TOKEN, CONTEXT_OVERFLOW, DISALLOWED_SPECIAL…) are thrown here, before any work.
 */
export function startGeneration(
  model: GenerationModel,
  prompt: string | number[],
  o: GenerateOptions = {},
): Generation {
  if (o === null || typeof o !== 'object') throw invalid('options must be an object');
  const { config, transformer } = model;
  const ids = promptIds(model, prompt);
  const context = transformer.maxTokens;
  if (ids.length >= context) {
    throw new LlmfError(
      'CONTEXT_OVERFLOW',
      `generate: the prompt has ${ids.length} tokens but the context holds ${context}; shorten it to leave room for at least one new token`,
    );
  }
  const room = context - ids.length;
  const maxTokens = o.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, room);
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw invalid(`maxTokens is ${String(o.maxTokens)}; use an integer ≥ 1`);
  const stops = stopStrings(o.stop);
  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    throw invalid('signal must be an AbortSignal (e.g. new AbortController().signal)');
  }
  const seed = o.seed ?? randomSeed();
  const rng = createRng(seed); // checks the seed
  const sampling = {
    temperature: o.temperature,
    topK: o.topK,
    topP: o.topP,
    minP: o.minP,
    repetitionPenalty: o.repetitionPenalty,
  };
  try {
    // the sampler's own checks, on a one-token distribution: every sampling option is validated up front
    sample([0], { ...sampling, seed: 0 });
  } catch (e) {
    if (LlmfError.isInstance(e)) throw new LlmfError(e.code, e.message.replace(/^sample: /, 'generate: '));
    throw e;
  }

  let finishReason: FinishReason | undefined;
  const finish = (reason: FinishReason) => {
    finishReason = reason;
  };
  const eos = new Set(config.eosTokenIds);
  const limit = Math.min(maxTokens, room);
  const textVocab = model.tokenizer.vocabSize;
  const eosAbove = config.eosTokenIds.filter((id) => id >= textVocab);
  const stats = { promptTokens: ids.length, cachedTokens: 0, prefillTokens: 0, generatedTokens: 0 };

  async function* run(): AsyncGenerator<GeneratedToken, void, undefined> {
    model.acquire();
    try {
      if (signal?.aborted) return finish('abort');
      const history = ids.slice(); // prompt + output, for the repetition penalty
      const text = new TextStream(model.tokenizer, stops);
      let logits = prefill(model, ids, stats); // [P − cached] → logits [V] of the last position
      for (let n = 0; ; n++) {
        if (n >= limit) {
          finish(n >= maxTokens ? 'length' : 'context');
          break;
        }
        // subtle: a checkpoint's vocabulary is often padded past the tokenizer's (to a multiple of 64…); those
        // ids have no text, so they are masked out — except EOS ids (the fresh logits array is ours to change)
        if (textVocab < logits.length) maskPadding(logits, textVocab, eosAbove);
        const penalty = sampling.repetitionPenalty !== undefined && sampling.repetitionPenalty !== 1;
        const id = sample(logits, { ...sampling, previousIds: penalty ? history : undefined, rng });
        if (eos.has(id)) {
          finish('eos');
          break;
        }
        history.push(id);
        stats.generatedTokens++;
        const { ready, stopped } = text.push(id);
        for (const token of ready) {
          yield token;
          if (signal?.aborted) return finish('abort');
        }
        if (stopped) return finish('stop');
        // each step computes synchronously: give timers, I/O and abort handlers a turn between tokens
        await nextMacrotask();
        if (signal?.aborted) return finish('abort');
        if (!model.usable())
          throw new LlmfError('DISPOSED', 'generate: the model was disposed during the generation');
        if (n + 1 < limit) logits = feed(model, id); // [1] → [V]
      }
      // EOS, maxTokens or a full context: what was held back is final now
      const { ready, stopped } = text.end();
      if (stopped) finish('stop');
      for (const token of ready) {
        yield token;
        if (signal?.aborted) return finish('abort');
      }
    } finally {
      model.release();
    }
  }

  const generation = run();
  Object.defineProperties(generation, {
    seed: { value: seed, enumerable: true },
    stats: { value: stats, enumerable: true },
    finishReason: { get: () => finishReason, enumerable: true },
  });
  return generation as Generation;
}

/**
 * Bring the KV cache to `ids` and return the logits [V] after its last id. The longest common prefix with
 * the cached ids is kept (at most P − 1 ids: the last prompt id is always run, for its logits); the rest
 * is prefilled. A failure leaves an empty cache and an empty record.
 */
function prefill(
  model: GenerationModel,
  ids: number[],
  stats: { cachedTokens: number; prefillTokens: number },
): Float32Array {
  const { transformer } = model;
  const cached = model.cachedIds;
  let keep = 0;
  // the record is trusted only while it matches the cache's length (anything else: start clean)
  if (cached.length === transformer.position) {
    const most = Math.min(cached.length, ids.length - 1);
    while (keep < most && cached[keep] === ids[keep]) keep++;
  }
  try {
    model.cachedIds = [];
    if (keep === 0) transformer.reset();
    else transformer.rewind(keep); // drop positions ≥ keep: [keep, Hkv, D] stay in every layer
    model.cachedIds = ids.slice(0, keep);
    const logits = transformer.forwardCached(ids.slice(keep), { lastOnly: true }); // [P − keep] → [V]
    model.cachedIds = ids.slice();
    stats.cachedTokens = keep;
    stats.prefillTokens = ids.length - keep;
    return logits;
  } catch (e) {
    forget(model);
    throw e;
  }
}

/** One decode step: append `id` to the cache and its record; logits [V] of the next position. */
function feed(model: GenerationModel, id: number): Float32Array {
  try {
    const logits = model.transformer.forwardCached([id], { lastOnly: true }); // [1] → [V]
    model.cachedIds.push(id);
    return logits;
  } catch (e) {
    forget(model);
    throw e;
  }
}

/** Empty the KV cache and its record (after a failure: the cache may be partly written). */
function forget(model: GenerationModel): void {
  model.cachedIds = [];
  model.transformer.reset();
}

/** Resolves after pending timers and I/O callbacks had a chance to run (setImmediate, else a MessageChannel). */
function nextMacrotask(): Promise<void> {
  const g = globalThis as {
    setImmediate?: (f: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate?.(resolve));
  if (typeof g.MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** logits[i] = −∞ for i ≥ from, except the ids in `keep`. */
function maskPadding(logits: Float32Array, from: number, keep: number[]): void {
  const kept = keep.map((id) => logits[id]);
  logits.fill(Number.NEGATIVE_INFINITY, from);
  keep.forEach((id, j) => {
    logits[id] = kept[j];
  });
}

function invalid(message: string): LlmfError {
  return new LlmfError('INVALID_ARGUMENT', `generate: ${message}`);
}

/**
 * Prompt → ids, checked against the vocabulary. Text gets the model's prompt prefix (BOS where the tokenizer
 * files ask for it); ids are used as given. An empty prompt starts from BOS when the model has one.
 */
function promptIds(model: GenerationModel, prompt: string | number[]): number[] {
  const V = model.config.vocabSize;
  let ids: number[];
  if (typeof prompt === 'string') {
    ids = [...model.promptPrefix, ...model.tokenizer.encode(prompt)];
  } else if (Array.isArray(prompt)) {
    prompt.forEach((id, i) => {
      if (!Number.isInteger(id)) throw invalid(`prompt id at index ${i} is ${String(id)}, not an integer`);
      if (id < 0 || id >= V) {
        throw new LlmfError(
          'UNKNOWN_TOKEN',
          `generate: prompt id ${id} at index ${i} is outside the vocabulary 0..${V - 1}`,
        );
      }
    });
    ids = prompt.slice();
  } else {
    throw invalid('prompt must be a string or an array of token ids');
  }
  if (ids.length === 0) {
    if (model.config.bosTokenId === undefined)
      throw invalid('the prompt is empty and the model has no BOS token to start from');
    ids = [model.config.bosTokenId];
  }
  return ids;
}

function stopStrings(stop: string | string[] | undefined): string[] {
  if (stop === undefined) return [];
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw invalid('stop must be a non-empty string or an array of non-empty strings');
  }
  return list;
}

/**
 * Token ids → text for streaming, through the tokenizer's streaming decoder (never half a UTF-8 character).
 * A token is handed out with its whole text once nothing after it can still change that text. Held back:
 * - tokens from the one that starts an incomplete UTF-8 character (its text is not known yet);
 * - tokens from the one where a possible stop string begins (text ending in a prefix of a stop string).
 * When a stop string appears, the tokens before it are released — the one it starts in cut right before it.
 * @internal — exported for tests.
 */
export class TextStream {
  private readonly decoder: { write(id: number): string; end(): string };
  private held: GeneratedToken[] = [];
  private utf8Needed = 0; // continuation bytes the current character still needs
  private utf8StartsAt = -1; // index in `held` of the token where the incomplete character starts

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly stops: string[],
  ) {
    this.decoder = tokenizer.createDecoder();
  }

  /** Add a token; returns the tokens whose text is final, and whether a stop string was reached. */
  push(id: number): { ready: GeneratedToken[]; stopped: boolean } {
    this.held.push({ id, text: this.decoder.write(id) });
    this.trackUtf8(id, this.held.length - 1);
    const pending = this.held.map((t) => t.text).join('');
    const stopAt = this.firstStop(pending);
    if (stopAt >= 0) return { ready: this.cut(stopAt), stopped: true };
    // hold from the earliest token whose text may still change or may start a stop string
    let holdFrom = this.held.length;
    const prefixAt = this.stopPrefixStart(pending);
    if (prefixAt < pending.length) holdFrom = this.tokenAt(prefixAt);
    if (this.utf8Needed > 0) holdFrom = Math.min(holdFrom, this.utf8StartsAt);
    const ready = this.held.slice(0, holdFrom);
    this.held = this.held.slice(holdFrom);
    if (this.utf8Needed > 0) this.utf8StartsAt -= holdFrom;
    return { ready, stopped: false };
  }

  /** The stream ended (EOS, length): flush the decoder and release everything held. */
  end(): { ready: GeneratedToken[]; stopped: boolean } {
    const tail = this.decoder.end(); // an incomplete character becomes U+FFFD, as in tokenizer.decode
    const last = this.held[this.held.length - 1];
    if (last) last.text += tail;
    // subtle: that U+FFFD can complete a stop string
    const stopAt = this.firstStop(this.held.map((t) => t.text).join(''));
    if (stopAt >= 0) return { ready: this.cut(stopAt), stopped: true };
    const ready = this.held;
    this.held = [];
    return { ready, stopped: false };
  }

  /** Follow UTF-8 lead and continuation bytes of the token (a superset of what TextDecoder holds back). */
  private trackUtf8(id: number, index: number): void {
    for (const b of this.tokenizer.decodeBytes([id])) {
      if (this.utf8Needed > 0 && (b & 0xc0) === 0x80) {
        this.utf8Needed--;
      } else {
        this.utf8Needed = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
        if (this.utf8Needed > 0) this.utf8StartsAt = index;
      }
    }
  }

  /** Earliest index of any stop string in `text`, or −1. */
  private firstStop(text: string): number {
    let first = -1;
    for (const s of this.stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    }
    return first;
  }

  /** Earliest p such that text[p:] is a non-empty prefix of some stop string (text.length if none). */
  private stopPrefixStart(text: string): number {
    let earliest = text.length;
    for (const s of this.stops) {
      for (let p = Math.max(0, text.length - s.length + 1); p < earliest; p++) {
        if (s.startsWith(text.slice(p))) {
          earliest = p;
          break;
        }
      }
    }
    return earliest;
  }

  /** Index in `held` of the token whose text contains character offset `at`. */
  private tokenAt(at: number): number {
    let start = 0;
    for (let i = 0; i < this.held.length; i++) {
      const end = start + this.held[i].text.length;
      if (at < end) return i;
      start = end;
    }
    return this.held.length;
  }

  /** The held tokens before character offset `at`; the token containing it keeps only its text before it. */
  private cut(at: number): GeneratedToken[] {
    const out: GeneratedToken[] = [];
    let start = 0;
    for (const token of this.held) {
      if (start >= at) break;
      out.push({ id: token.id, text: token.text.slice(0, at - start) });
      start += token.text.length;
    }
    this.held = [];
    return out;
  }
}
