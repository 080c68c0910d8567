// The CLI's view of @llmf/runtime-wasm (the LLM façade). It is imported lazily, so `--help`, `pull` and
// `tokenize --encoding` start without loading the model runtime.

import type { OutStream } from './terminal';
import { ProgressBar } from './progress';

/** Sampling and stopping options of `LLM.generate` (DESIGN.md API contract). */
export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
  seed?: number;
  stop?: string[];
  signal?: AbortSignal;
}

/** The tokenizer surface the CLI uses (`@llmf/tokenizer` Tokenizer). */
export interface TokenizerLike {
  encode(text: string, o?: { allowedSpecial?: 'all' | Iterable<string> }): number[];
  decode(ids: Iterable<number>): string;
  tokenize(text: string): string[];
  readonly vocabSize: number;
}

/** The loaded model (`@llmf/runtime-wasm` LLM). */
export interface Llm {
  tokenizer: TokenizerLike;
  config: object;
  forward(ids: number[]): Promise<Float32Array>;
  generate(prompt: string | number[], o?: GenerateOptions): AsyncIterable<{ id: number; text: string }>;
  dispose(): void;
}

export interface LoadOptions {
  backend?: 'wasm' | 'js';
  threads?: number;
  /** Where to draw the loading bar (stderr). */
  progressStream?: OutStream;
}

/** The fraction done from whatever shape the runtime reports progress in. */
function progressFraction(p: unknown): number | undefined {
  if (typeof p === 'number') return p;
  if (p && typeof p === 'object') {
    const r = p as Record<string, unknown>;
    const done = (r.loaded ?? r.done ?? r.bytes) as number | undefined;
    const total = r.total as number | undefined;
    if (typeof done === 'number' && typeof total === 'number' && total > 0) return done / total;
    if (typeof r.fraction === 'number') return r.fraction;
  }
  return undefined;
}

/** Load the model in `dir` with a progress bar on `progressStream` (drawn only on a TTY). */
export async function loadLlm(dir: string, o: LoadOptions = {}): Promise<Llm> {
  const runtime = (await import('@llmf/runtime-wasm')) as unknown as {
    loadModel(dir: string, o: object): Promise<Llm>;
  };
  const bar = o.progressStream ? new ProgressBar(o.progressStream, 'loading', 100) : undefined;
  try {
    return await runtime.loadModel(dir, {
      backend: o.backend,
      threads: o.threads,
      onProgress: (p: unknown) => {
        const fraction = progressFraction(p);
        if (fraction !== undefined) bar?.update(Math.round(fraction * 100));
      },
    });
  } finally {
    bar?.done();
  }
}

/** The context length a config declares (GPT-2 n_positions / n_ctx, Llama max_position_embeddings). */
export function contextLength(config: object): number | undefined {
  const c = config as Record<string, unknown>;
  for (const key of ['n_positions', 'n_ctx', 'max_position_embeddings', 'contextLength', 'maxPositions']) {
    if (typeof c[key] === 'number') return c[key] as number;
  }
  return undefined;
}
