// The CLI's door to @llmf/runtime-wasm (the LLM façade). It is imported lazily, so `--help`, `pull` and
// `tokenize` start without loading the model runtime.

import type { BackendName, LLM } from '@llmf/runtime-wasm';
import { ProgressBar } from './progress';
import type { OutStream } from './terminal';

export type { GenerateOptions, LLM } from '@llmf/runtime-wasm';

/** The tokenizer surface the CLI uses (`@llmf/tokenizer` Tokenizer). */
export interface TokenizerLike {
  encode(text: string, o?: { allowedSpecial?: 'all' | Iterable<string> }): number[];
  decode(ids: Iterable<number>): string;
  tokenize(text: string): string[];
  readonly vocabSize: number;
}

export interface LoadOptions {
  /** Kernels; undefined lets the runtime choose. */
  backend?: BackendName;
  threads?: number;
  /** Where to draw the loading bar (stderr; drawn only on a TTY). */
  progressStream?: OutStream;
}

/** Load the model in `dir`, with a byte-level progress bar while the files are read. */
export async function loadLlm(dir: string, o: LoadOptions = {}): Promise<LLM> {
  const { loadModel } = await import('@llmf/runtime-wasm');
  const bar = o.progressStream
    ? new ProgressBar(o.progressStream, 'loading', undefined, { bytes: true })
    : undefined;
  try {
    return await loadModel(dir, {
      ...(o.backend !== undefined ? { backend: o.backend } : {}),
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      onProgress: (p) => bar?.update(p.loaded, p.total, `loading ${p.file}`),
    });
  } finally {
    bar?.done();
  }
}
