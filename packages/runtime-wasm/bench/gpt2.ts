// End-to-end GPT-2 124M (12 layers, C = 768, 12 heads, V = 50257) on the same seeded weights:
//   @llmf wasm backend  vs  onnxruntime-web (WASM SIMD, same threads)  vs  onnxruntime-node (native CPU)
// Prefill: one forward of a 128-token prompt, logits of the last position only (what generation needs).
// Decode: 31 greedy steps over the KV cache after the prefill's token (32 tokens in all), one token each.
// Medians of RUNS runs (default 3; one untimed round first), the runtimes taking turns run by run, and ratios
// between runtimes as medians of the per-run ratios; 1 and 2 threads (THREADS=1,2). After each
// @llmf run its decode steps are repeated, each right after a one-thread read of the same number of bytes as
// the weights a token reads (bench/probes.ts, 8 streams): "decode of 1-thread bandwidth" is the median over
// steps and runs of (read time) / (step time), both taken at the same moment of a shared machine.
// Model: /work/shared/tools/make-gpt2-bench-model DIR writes the checkpoint and model.onnx; pass DIR as
// LLMF_BENCH_MODEL (default /work/bench-models/gpt2-124m). Prints a table and one JSON line.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import type * as OrtTypes from 'onnxruntime-node';
import { createWasmBackend } from '../src/wasm/index';
import { bandwidthGBs, bandwidthProbe, peakGflops } from './probes';

const dir = process.env.LLMF_BENCH_MODEL ?? '/work/bench-models/gpt2-124m';
const RUNS = Number(process.env.RUNS ?? 3);
const PROMPT = 128;
const DECODE = 32;
const THREADS = (process.env.THREADS ?? '1,2').split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Median over runs of a[r] / b[r]. */
const pairedRatio = (a: number[], b: number[]) => median(a.map((x, r) => x / b[r]));
const argmax = (a: ArrayLike<number>, from = 0, n = a.length) => {
  let best = from;
  for (let i = from; i < from + n; i++) if (a[i] > a[best]) best = i;
  return best - from;
};

const rawConfig = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const config = configFromHuggingFace(rawConfig);
const { nLayer: L, nHead: H, dHead: D, vocabSize: V, dModel: C } = config;
// a fixed prompt: ids spread over the vocabulary
const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 7919 + 13) % V);
// f32 weight bytes one decoded token reads: every block's projections and MLP, and the LM head
const weightBytesPerToken = 4 * (L * (4 * C * C + 2 * C * 4 * C) + V * C);

interface Result {
  runtime: string;
  threads: number;
  prefillMs: number;
  decodeMs: number;
  /** @llmf only: median over decode steps of (time to read the weight bytes) / (step time), paired in time. */
  ofBandwidth?: number;
  /** Every run's prefill and decode ms (the runtimes take turns, so run r of each is at the same moment). */
  prefillRuns: number[];
  decodeRuns: number[];
  /** @llmf at 2+ threads: median over runs of (1-thread prefill) / (this prefill), a 1-thread model run alongside. */
  prefillVsOne?: number;
  ids: number[];
}

/** One loaded runtime: `once()` times a prefill of the prompt and DECODE − 1 greedy steps. */
interface Runner {
  runtime: string;
  once(): Promise<{ prefillMs: number; decodeMs: number; ids: number[] }>;
  /**
   * @llmf only, after once(): the last run's decode steps again, each right after `readMs()` (a read of the
   * weight bytes); per step (read time) / (step time).
   */
  paired?(readMs: () => number): number[];
  release(): Promise<void>;
}

/** FLOPs of one forward of T new tokens after P cached ones, logits for the last token only. */
function flops(T: number, P: number): number {
  const F = 4 * C;
  const perToken = L * (2 * C * 3 * C + 2 * C * C + 2 * 2 * C * F);
  const attention = L * H * T * (P + (T + 1) / 2) * D * 4;
  return T * perToken + attention + 2 * C * V;
}

async function llmf(threads: number): Promise<Runner> {
  const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
  const backend = await createWasmBackend({ threads });
  const model = loadTransformer({ config, tensors, backend, maxTokens: PROMPT + DECODE });
  tensors.clear();
  let last: number[] = [];
  return {
    runtime: '@llmf wasm',
    async once() {
      model.reset();
      let t0 = performance.now();
      let logits = model.forwardCached(prompt, { lastOnly: true });
      const prefillMs = performance.now() - t0;
      const ids = [argmax(logits)];
      t0 = performance.now();
      for (let i = 1; i < DECODE; i++) {
        logits = model.forwardCached([ids[ids.length - 1]], { lastOnly: true });
        ids.push(argmax(logits));
      }
      last = ids;
      return { prefillMs, decodeMs: performance.now() - t0, ids };
    },
    paired(readMs) {
      model.rewind(PROMPT); // the same positions and ids as the run's decode steps
      const ratios: number[] = [];
      for (let i = 1; i < DECODE; i++) {
        const read = readMs();
        const t0 = performance.now();
        model.forwardCached([last[i - 1]], { lastOnly: true });
        ratios.push(read / (performance.now() - t0));
      }
      return ratios;
    },
    async release() {
      backend.dispose();
    },
  };
}

function onnx(ort: typeof OrtTypes, runtime: string, session: OrtTypes.InferenceSession): Runner {
  const feeds = (ids: number[], pastK: OrtTypes.Tensor, pastV: OrtTypes.Tensor) => ({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    past_k: pastK,
    past_v: pastV,
  });
  const empty = () => new ort.Tensor('float32', new Float32Array(0), [L, 1, H, 0, D]);
  return {
    runtime,
    async once() {
      let t0 = performance.now();
      let out = await session.run(feeds(prompt, empty(), empty()));
      const prefillMs = performance.now() - t0;
      const ids = [argmax(out.logits.data as Float32Array)];
      t0 = performance.now();
      for (let i = 1; i < DECODE; i++) {
        out = await session.run(feeds([ids[ids.length - 1]], out.present_k, out.present_v));
        ids.push(argmax(out.logits.data as Float32Array));
      }
      return { prefillMs, decodeMs: performance.now() - t0, ids };
    },
    release: () => session.release(),
  };
}

async function ortWeb(threads: number): Promise<Runner> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    executionProviders: ['wasm'],
  });
  return onnx(ort as unknown as typeof OrtTypes, 'onnxruntime-web (wasm)', session);
}

async function ortNode(threads: number): Promise<Runner> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  return onnx(ort as unknown as typeof OrtTypes, 'onnxruntime-node (native)', session);
}

/** Time every runtime at one thread count; the machine is shared, so they take turns run by run (A B C A B C …). */
async function measure(threads: number): Promise<Result[]> {
  const results: Result[] = [];
  const runners: Runner[] = [];
  for (const load of [llmf, ortWeb, ortNode]) {
    try {
      runners.push(await load(threads));
    } catch (e) {
      console.error(`${load.name} (${threads} threads) failed to load: ${String(e)}`);
    }
  }
  // at 2+ threads a 1-thread @llmf model takes its turns too: the scaling is measured at the same moments
  // (runs minutes apart on a shared machine differ by more than the effect)
  const one = threads > 1 ? await llmf(1) : undefined;
  const onePrefill: number[] = [];
  const samples = runners.map(() => ({
    prefill: [] as number[],
    decode: [] as number[],
    ofBandwidth: [] as number[],
    ids: [] as number[],
  }));
  // the machine's bandwidth moves with its load (it is shared): each decode step is paired with a read of
  // the same bytes just before it, and the two times are compared step by step
  const probe = await bandwidthProbe(weightBytesPerToken);
  const readMs = () => weightBytesPerToken / probe(1) / 1e6;
  // one untimed round first: the engines compile their hot code on first use
  for (const runner of [...runners, ...(one ? [one] : [])]) await runner.once();
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < runners.length; i++) {
      const s = await runners[i].once();
      samples[i].prefill.push(s.prefillMs);
      samples[i].decode.push(s.decodeMs);
      samples[i].ids = s.ids;
      samples[i].ofBandwidth.push(...(runners[i].paired?.(readMs) ?? []));
    }
    if (one !== undefined) onePrefill.push((await one.once()).prefillMs);
  }
  await one?.release();
  for (let i = 0; i < runners.length; i++) {
    const s = samples[i];
    results.push({
      runtime: runners[i].runtime,
      threads,
      prefillMs: median(s.prefill),
      decodeMs: median(s.decode),
      prefillRuns: s.prefill,
      decodeRuns: s.decode,
      ofBandwidth: s.ofBandwidth.length > 0 ? median(s.ofBandwidth) : undefined,
      prefillVsOne:
        one !== undefined && runners[i].runtime === one.runtime
          ? median(onePrefill.map((ms, r) => ms / s.prefill[r]))
          : undefined,
      ids: s.ids,
    });
    await runners[i].release();
  }
  return results;
}

// subtle: onnxruntime-web fixes its thread count when its WASM first loads, so each thread count runs in a
// child process of its own; the child prints its results as one JSON line
const results: Result[] = [];
if (process.env.LLMF_BENCH_CHILD === '1') {
  console.log(JSON.stringify(await measure(THREADS[0])));
  process.exit(0);
}
for (const threads of THREADS) {
  try {
    const stdout = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, THREADS: String(threads), LLMF_BENCH_CHILD: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
      timeout: 20 * 60_000, // a runtime that hangs (seen once with onnxruntime-web, 2 threads, in Node) ends the child
    });
    results.push(...(JSON.parse(stdout.trim().split('\n').pop() as string) as Result[]));
  } catch (e) {
    console.error(`the ${threads}-thread measurement failed: ${String(e).split('\n')[0]}`);
  }
}

const peak = await peakGflops();
const bandwidth = await bandwidthGBs();
const prefillFlops = flops(PROMPT, 0);
const decodeFlops = Array.from({ length: DECODE - 1 }, (_, i) => flops(1, PROMPT + i)).reduce(
  (a, b) => a + b,
  0,
);
const rows = results.map((r) => {
  const web = results.find((x) => x.runtime.startsWith('onnxruntime-web') && x.threads === r.threads);
  const one = results.find((x) => x.runtime === r.runtime && x.threads === 1);
  return {
    runtime: r.runtime,
    threads: r.threads,
    'prefill tok/s': +(PROMPT / (r.prefillMs / 1000)).toFixed(1),
    'decode tok/s': +((DECODE - 1) / (r.decodeMs / 1000)).toFixed(2),
    'prefill GFLOP/s': +(prefillFlops / r.prefillMs / 1e6).toFixed(2),
    'decode GFLOP/s': +(decodeFlops / r.decodeMs / 1e6).toFixed(2),
    'decode weight GB/s': +((((DECODE - 1) / (r.decodeMs / 1000)) * weightBytesPerToken) / 1e9).toFixed(2),
    'decode of 1-thread bandwidth':
      r.ofBandwidth === undefined ? '' : `${(100 * r.ofBandwidth).toFixed(0)} %`,
    // medians of the per-run ratios: each run of the two runtimes is taken at the same moment
    'prefill vs ort-web': web ? +pairedRatio(web.prefillRuns, r.prefillRuns).toFixed(2) : '',
    'decode vs ort-web': web ? +pairedRatio(web.decodeRuns, r.decodeRuns).toFixed(2) : '',
    'prefill vs 1 thread':
      r.prefillVsOne !== undefined
        ? `${r.prefillVsOne.toFixed(2)} (same run)`
        : one
          ? +(one.prefillMs / r.prefillMs).toFixed(2)
          : '',
    'greedy ids = ort-node': String(
      r.ids.join() === results.find((x) => x.runtime.startsWith('onnxruntime-node'))?.ids.join(),
    ),
  };
});
console.table(rows);
console.log(
  `SIMD128 peak (one thread, register-only f32x4 mul+add): ${peak.toFixed(1)} GFLOP/s; memory bandwidth (one thread, ` +
    `8-stream read of 256 MiB): ${bandwidth.toFixed(2)} GB/s; weights read per decoded token: ` +
    `${(weightBytesPerToken / 1e6).toFixed(1)} MB; runs: ${RUNS}, medians`,
);
console.log(
  JSON.stringify({
    bench: 'gpt2-124m',
    prompt: PROMPT,
    decode: DECODE,
    runs: RUNS,
    peakGflops: peak,
    bandwidthGBs: bandwidth,
    weightBytesPerToken,
    rows,
  }),
);
