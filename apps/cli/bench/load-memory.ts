// Peak memory of loading a checkpoint with loadModel (@llmf/runtime-wasm), against the weights' f32 size.
//   streamed: loadModel(dir) as it is — headers first, each tensor read by byte range into backend memory
//   whole:    the previous loading path, reproduced with public APIs — the file read whole, readSafetensors
//             (every tensor converted to a host f32 copy), mapTensors (GPT-2 Conv1D transposed copies),
//             then uploaded to the backend
// Each measurement runs in a fresh process (peak RSS = process.resourceUsage().maxRSS), RUNS times
// (default 3), medians reported. Both paths allocate the same KV cache (contextLength CONTEXT, default 128)
// and activations, which are counted in the peak. Model: LLMF_BENCH_MODEL (default
// /work/bench-models/gpt2-124m: GPT-2 124M shapes, f32). Prints a table and one JSON line.

import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.LLMF_BENCH_MODEL ?? '/work/bench-models/gpt2-124m';
const RUNS = Number(process.env.RUNS ?? 3);
const CONTEXT = Number(process.env.CONTEXT ?? 128);
const MB = 1024 * 1024;

interface Sample {
  path: 'streamed' | 'whole';
  backend: 'js' | 'wasm';
  baselineRss: number; // bytes: peak RSS before loading (Node, modules, the wasm kernels compiled)
  peakRss: number; // bytes: peak RSS after loading
  weightBytes: number; // f32 bytes of every checkpoint tensor
}

async function child(path: Sample['path'], backend: Sample['backend']): Promise<Sample> {
  const runtime = await import('@llmf/runtime-wasm');
  const { readSafetensors } = await import('@llmf/tensor');
  const { configFromHuggingFace, loadTransformer, mapTensors } = await import('@llmf/transformer');
  const weightsOf = (tensors: Map<string, { data: Float32Array }>) =>
    [...tensors.values()].reduce((s, t) => s + 4 * t.data.length, 0);
  // compile the kernels before the baseline: both paths pay it
  (await runtime.selectBackend(backend)).dispose();
  const baselineRss = process.resourceUsage().maxRSS * 1024;
  let weightBytes: number;
  if (path === 'streamed') {
    const llm = await runtime.loadModel(dir, { backend, contextLength: CONTEXT });
    weightBytes = 4 * (await countParameters());
    llm.dispose();
  } else {
    const config = configFromHuggingFace(await readFile(join(dir, 'config.json'), 'utf8'));
    let bytes: Uint8Array | undefined = new Uint8Array(await readFile(join(dir, 'model.safetensors')));
    const tensors = readSafetensors(bytes);
    bytes = undefined; // as before: the file's bytes were unreferenced once converted
    weightBytes = weightsOf(tensors);
    const host = mapTensors(config, tensors, 'huggingface');
    const be = await runtime.selectBackend(backend);
    loadTransformer({ config, tensors: host, backend: be, naming: 'llmf', maxTokens: CONTEXT });
    be.dispose();
  }
  return { path, backend, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, weightBytes };
}

/** Parameters of the checkpoint, from its safetensors header alone. */
async function countParameters(): Promise<number> {
  const { open } = await import('node:fs/promises');
  const file = await open(join(dir, 'model.safetensors'), 'r');
  try {
    const head = new Uint8Array(8);
    await file.read(head, 0, 8, 0);
    const n = Number(new DataView(head.buffer).getBigUint64(0, true));
    const json = new Uint8Array(n);
    await file.read(json, 0, n, 8);
    const header = JSON.parse(new TextDecoder().decode(json)) as Record<string, { shape?: number[] }>;
    return Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .reduce((s, [, e]) => s + (e.shape ?? []).reduce((a, b) => a * b, 1), 0);
  } finally {
    await file.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [, , mode, path, backend] = process.argv;
  if (mode === '--child') {
    const sample = await child(path as Sample['path'], backend as Sample['backend']);
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const rows: Record<string, Sample[]> = {};
  for (let run = 0; run < RUNS; run++) {
    for (const b of ['js', 'wasm'] as const) {
      for (const p of ['whole', 'streamed'] as const) {
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', '--conditions=@llmf/source', self, '--child', p, b],
          { encoding: 'utf8', maxBuffer: 1 << 20 },
        );
        const key = `${p}/${b}`;
        rows[key] = [...(rows[key] ?? []), JSON.parse(out.trim().split('\n').at(-1) as string)];
      }
    }
  }
  const table = Object.entries(rows).map(([key, samples]) => {
    const peak = median(samples.map((s) => s.peakRss));
    const baseline = median(samples.map((s) => s.baselineRss));
    const weights = samples[0].weightBytes;
    return {
      key,
      weights_mb: Math.round(weights / MB),
      baseline_rss_mb: Math.round(baseline / MB),
      peak_rss_mb: Math.round(peak / MB),
      peak_over_weights: Math.round((peak / weights) * 100) / 100,
      load_over_weights: Math.round(((peak - baseline) / weights) * 100) / 100,
    };
  });
  console.log(`model ${dir}, context ${CONTEXT}, medians of ${RUNS} runs`);
  console.log(
    'path/backend    weights MiB baseline RSS MiB peak RSS MiB  peak/weights  (peak−baseline)/weights',
  );
  for (const r of table) {
    console.log(
      `${r.key.padEnd(16)} ${String(r.weights_mb).padStart(10)} ${String(r.baseline_rss_mb).padStart(16)} ${String(r.peak_rss_mb).padStart(12)} ${r.peak_over_weights.toFixed(2).padStart(13)} ${r.load_over_weights.toFixed(2).padStart(24)}`,
    );
  }
  console.log(
    JSON.stringify({ bench: 'load-memory', model: dir, context: CONTEXT, runs: RUNS, results: table }),
  );
}

await main();
