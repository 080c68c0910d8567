// Where the time of a prefill and of a decoded token goes: GPT-2 124M (the bench checkpoint) on the wasm
// backend with every Backend call timed (performance.now() around it): one 128-token prefill, then 31 greedy
// steps, per op kind and, for `linear`, per weight shape (with GB/s of weights read). The third of three
// rounds is reported. THREADS=1 (default) or 2. The timing itself adds ≈ 1 µs per call.
// Run: pnpm exec tsx --conditions=@llmf/source bench/profile.ts

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Backend, readSafetensors, type WeightTensor } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';
import { createWasmBackend } from '../src/wasm/index';
import { bandwidthGBs } from './probes';

const dir = process.env.LLMF_BENCH_MODEL ?? '/work/bench-models/gpt2-124m';
const threads = Number(process.env.THREADS ?? 1);
const config = configFromHuggingFace(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
const backend = await createWasmBackend({ threads });
const model = loadTransformer({ config, tensors, backend, maxTokens: 160 });
tensors.clear();

const totals = new Map<string, { ms: number; calls: number; bytes: number }>();
let timing = false;
for (const name of [
  'linear',
  'add',
  'layerNorm',
  'gelu',
  'geluTanh',
  'attention',
  'embedding',
  'softmax',
  'rope',
  'matmul',
  'mul',
  'scale',
] as const) {
  const inner = (backend as unknown as Record<string, (...a: unknown[]) => void>)[name].bind(backend);
  (backend as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    if (!timing) return inner(...args);
    const t0 = performance.now();
    inner(...args);
    const ms = performance.now() - t0;
    let key: string = name;
    let bytes = 0;
    if (name === 'linear') {
      const w = args[2] as WeightTensor;
      key = `linear [${w.shape.join(', ')}]`;
      bytes = 4 * w.shape[0] * w.shape[1];
    }
    const t = totals.get(key) ?? { ms: 0, calls: 0, bytes: 0 };
    totals.set(key, { ms: t.ms + ms, calls: t.calls + 1, bytes: t.bytes + bytes });
  };
}

const argmax = (a: Float32Array) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};
const prompt = Array.from({ length: 128 }, (_, i) => (i * 7919 + 13) % config.vocabSize);
const bw = await bandwidthGBs();
function report(title: string, total: number, steps: number): void {
  let inOps = 0;
  console.log(`${title}: ${(total / steps).toFixed(2)} ms per step`);
  for (const [key, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
    inOps += t.ms;
    const gbs = t.bytes > 0 ? `${(t.bytes / (t.ms / 1e3) / 1e9).toFixed(1)} GB/s` : '';
    console.log(
      `  ${key.padEnd(26)} ${(t.ms / steps).toFixed(3).padStart(7)} ms ${((100 * t.ms) / total).toFixed(1).padStart(5)} %  ${(t.calls / steps).toFixed(0).padStart(3)} calls  ${gbs}`,
    );
  }
  console.log(
    `  ${'outside the ops'.padEnd(26)} ${((total - inOps) / steps).toFixed(3).padStart(7)} ms ${((100 * (total - inOps)) / total).toFixed(1).padStart(5)} %`,
  );
  totals.clear();
}
for (let run = 0; run < 3; run++) {
  model.reset();
  timing = run === 2;
  const t0 = performance.now();
  let id = argmax(model.forwardCached(prompt, { lastOnly: true }));
  if (timing) report(`threads ${threads}, prefill of ${prompt.length} tokens`, performance.now() - t0, 1);
  let total = 0;
  for (let i = 1; i < 32; i++) {
    const t0 = performance.now();
    const logits = model.forwardCached([id], { lastOnly: true });
    total += performance.now() - t0;
    id = argmax(logits);
  }
  if (timing) report(`threads ${threads}, decode (bandwidth probe ${bw.toFixed(1)} GB/s)`, total, 31);
}
backend.dispose();
