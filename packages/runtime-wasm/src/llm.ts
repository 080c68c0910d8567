// The LLM façade: a tokenizer, a config and a transformer on a backend, behind four calls.

import { type Backend, LlmfError } from '@llmf/tensor';
import type { Tokenizer } from '@llmf/tokenizer';
import type { ModelConfig, Transformer } from '@llmf/transformer';
import { type GenerateOptions, type Generation, startGeneration } from './generate';

/** A loaded language model. Create it with `loadModel`. */
export interface LLM {
  /** Text ⇄ ids for this model. */
  readonly tokenizer: Tokenizer;
  /** The normalised model config (vocabSize, dModel, nLayer, maxPositions, eosTokenIds, …). */
  readonly config: ModelConfig;
  /** Tokens the KV cache holds: the longest prompt + output. */
  readonly contextLength: number;
  /** The backend's name, e.g. 'js-ref'. */
  readonly backendName: string;
  /**
   * Text → the ids `generate(text)` starts from: `tokenizer.encode(text)` after the BOS token when the
   * model's tokenizer files ask for one (tokenizer_config.json `add_bos_token`, or a tokenizer.json
   * post-processor template that starts with a special token). Use it to build id prompts yourself.
   */
  encodePrompt(text: string): number[];
  /**
   * Logits of a fresh sequence: row-major [ids.length, V]; row t scores the token after ids[0..t].
   * Throws LlmfError for bad ids ('INVALID_ARGUMENT', 'UNKNOWN_TOKEN'), a sequence longer than the context
   * ('CONTEXT_OVERFLOW'), while a generation runs ('BUSY') or after dispose ('DISPOSED').
   */
  forward(ids: number[]): Promise<Float32Array>;
  /**
   * Stream tokens after a prompt (text or ids) until EOS, `maxTokens`, a stop string, a full context or
   * the `signal` aborts (which ends the stream cleanly; nothing is thrown). Options and prompt are checked
   * when called. One generation at a time: iterating a second one while the first is unfinished throws
   * LlmfError 'BUSY' (finish, `break` out of, or abort the first).
   * Prefix caching: the KV cache keeps the previous generation's prompt and the tokens fed after it; a
   * prompt that starts with the same ids prefills only the rest (`stats.cachedTokens` / `prefillTokens`),
   * with the same tokens and logits as a fresh start. `forward` clears that record.
   * @example
   * for await (const { text } of llm.generate('The cat', { maxTokens: 20, temperature: 0.8, seed: 1 })) process.stdout.write(text);
   */
  generate(prompt: string | number[], o?: GenerateOptions): Generation;
  /**
   * Forget the KV cache's contents, so the next `generate` prefills its whole prompt (e.g. to time prefill
   * the same way on every run). Throws 'BUSY' while a generation runs, 'DISPOSED' after dispose.
   */
  resetCache(): void;
  /** Release the model's memory. The LLM cannot be used afterwards (calls throw 'DISPOSED'). */
  dispose(): void;
}

/** @internal — loadModel's last step. */
export function createLLM(parts: {
  tokenizer: Tokenizer;
  config: ModelConfig;
  transformer: Transformer;
  backend: Backend;
  promptPrefix: number[];
}): LLM {
  const { tokenizer, config, transformer, backend, promptPrefix } = parts;
  let busy = false;
  let disposed = false;
  const checkUsable = (what: string) => {
    if (disposed) throw new LlmfError('DISPOSED', `${what}: this model was disposed; load it again`);
    if (busy) {
      throw new LlmfError(
        'BUSY',
        `${what}: a generation is running on this model; finish it, break out of its loop or abort it first`,
      );
    }
  };
  const model = {
    tokenizer,
    config,
    transformer,
    promptPrefix,
    acquire() {
      checkUsable('generate');
      busy = true;
    },
    release() {
      busy = false;
    },
    usable: () => !disposed,
    cachedIds: [] as number[], // the prefix cache record (see generate.ts)
  };
  return {
    tokenizer,
    config,
    contextLength: transformer.maxTokens,
    backendName: backend.name,
    encodePrompt: (text: string) => [...promptPrefix, ...tokenizer.encode(text)],
    async forward(ids: number[]): Promise<Float32Array> {
      checkUsable('forward');
      model.cachedIds = []; // forward is a fresh full recompute: the cache no longer holds a generation's ids
      return transformer.forward(ids);
    },
    generate(prompt: string | number[], o?: GenerateOptions): Generation {
      if (disposed) throw new LlmfError('DISPOSED', 'generate: this model was disposed; load it again');
      return startGeneration(model, prompt, o);
    },
    resetCache() {
      checkUsable('resetCache');
      model.cachedIds = [];
      transformer.reset();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      backend.dispose();
    },
  };
}
