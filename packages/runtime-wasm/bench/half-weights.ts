// F16 weights resident vs widened to f32, GPT-2 124M (12 layers, C = 768, V = 50257), @llmf wasm backend.
// The bench checkpoint (f32) is rewritten as DTYPE (F16 default, or BF16) in memory (writeSafetensors); both
// modes load that same file: weights 'f32' widens every value at load, weights 'half' keeps the matrices half.
// Decode: DECODE greedy steps after a PROMPT-token prefill; medians of RUNS runs (default 3), modes taking
// turns, THREADS (default 1). Next to it, the memory bandwidth a wasm read reaches on this machine
// (bench/probes.ts: eight concurrent f32x4 streams over a 256 MiB buffer, fastest of 5 passes) and the bandwidth-bound decode rate
// for the bytes of weights each token reads (every linear matrix and the tied LM head, once).
// Model: LLMF_BENCH_MODEL (default /work/bench-models/gpt2-124m). Prints a table and one JSON line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import { createWasmBackend } from '../src/wasm/index';
import { openWeightSource } from '../src/weight-source';
import { bandwidthGBs } from './probes';

const dir = process.env.LLMF_BENCH_MODEL ?? '/work/bench-models/gpt2-124m';
const RUNS = Number(process.env.RUNS ?? 3);
const THREADS = Number(process.env.THREADS ?? 1);
const DTYPE = (process.env.DTYPE ?? 'F16') as 'F16' | 'BF16';
const PROMPT = 16;
const DECODE = 32;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};

const config = configFromHuggingFace(readFileSync(join(dir, 'config.json'), 'utf8'));
const { nLayer: L, dModel: C, dFf: F, vocabSize: V } = config;
const f16Bytes = writeSafetensors(
  readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))),
  {
    dtype: DTYPE,
  },
);
const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 7919 + 13) % V);
// values of weights one decoded token reads: q, k, v, attn proj, MLP up and down per layer, and the LM head
const weightValuesPerToken = L * (3 * C * C + C * C + 2 * C * F) + V * C;

async function run(weights: 'f32' | 'half') {
  const backend = await createWasmBackend({ threads: THREADS });
  const source = await openWeightSource({ single: { bytes: f16Bytes } });
  const model = loadTransformer({ config, tensors: source, backend, maxTokens: PROMPT + DECODE, weights });
  const resident = backend.bytesInUse;
  const decodeMs: number[] = [];
  let ids: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    model.reset();
    ids = [argmax(model.forwardCached(prompt, { lastOnly: true }))];
    const t0 = performance.now();
    for (let i = 1; i < DECODE; i++)
      ids.push(argmax(model.forwardCached([ids[ids.length - 1]], { lastOnly: true })));
    decodeMs.push(performance.now() - t0);
  }
  backend.dispose();
  const tokS = (DECODE - 1) / (median(decodeMs) / 1e3);
  const bytesPerToken = weightValuesPerToken * (weights === 'half' ? 2 : 4);
  return {
    weights,
    threads: THREADS,
    decode_tok_s: tokS,
    resident_bytes: resident,
    weight_bytes_per_token: bytesPerToken,
    achieved_gb_s: (tokS * bytesPerToken) / 1e9,
    ids,
  };
}

const gbS = await bandwidthGBs();
const results = [];
for (const weights of ['f32', 'half'] as const) results.push(await run(weights));
if (results[0].ids.join() !== results[1].ids.join())
  console.log('note: greedy ids differ between f32 and half');
console.log(`memory bandwidth (one thread, 8-stream read of 256 MiB, fastest of 5): ${gbS.toFixed(2)} GB/s`);
console.log(
  'weights | decode tok/s | weight MB/token | tok/s × bytes/token | bandwidth-bound tok/s | of bound | resident MB',
);
for (const r of results) {
  const bound = (gbS * 1e9) / r.weight_bytes_per_token;
  console.log(
    `${r.weights.padEnd(7)} | ${r.decode_tok_s.toFixed(2).padStart(12)} | ${(r.weight_bytes_per_token / 1e6).toFixed(1).padStart(15)} | ${`${r.achieved_gb_s.toFixed(2)} GB/s`.padStart(19)} | ${bound.toFixed(2).padStart(21)} | ${`${((100 * r.decode_tok_s) / bound).toFixed(0)}%`.padStart(8)} | ${(r.resident_bytes / 1e6).toFixed(0)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'half-weights',
    model: `gpt2-124m (${DTYPE})`,
    runs: RUNS,
    memory_gb_s: gbS,
    results: results.map(({ ids: _ids, ...r }) => r),
  }),
);
