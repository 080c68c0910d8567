// Where the time of a prefill and of a decoded token goes: GPT-2 124M (the bench checkpoint) on the wasm
// backend with every Backend call timed (performance.now() around it), per op kind and, for `linear`, per
// weight shape. One model per thread count (THREADS, default 1,2), loaded side by side; ROUNDS rounds
// (default 5) of one 128-token prefill and 31 greedy decode steps, the thread counts taking turns; each cell
// is the median over rounds, so the columns compare the thread counts at the same moments of a shared
// machine. The timing adds ≈ 1 µs per call, counted in the ops.
// Run: pnpm --filter @llmf/runtime-wasm bench:profile

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, type WeightTensor } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer, type Transformer } from '@llmf/transformer';
import { createWasmBackend, type WasmBackend } from '../src/wasm/index';

const dir = process.env.LLMF_BENCH_MODEL ?? '/work/bench-models/gpt2-124m';
const THREADS = (process.env.THREADS ?? '1,2').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PROMPT = 128;
const DECODE = 32;
const OPS = ['linear', 'add', 'layerNorm', 'rmsNorm', 'gelu', 'geluTanh', 'silu', 'swiglu', 'attention'];
const OPS_ALSO = ['embedding', 'softmax', 'rope', 'matmul', 'mul', 'scale'];

const config = configFromHuggingFace(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const argmax = (a: Float32Array) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};
const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 7919 + 13) % config.vocabSize);

/** A model whose backend adds every call's time to `ms[key]` (key: op, or "linear [N, K]"). */
async function timedModel(threads: number) {
  const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
  const backend: WasmBackend = await createWasmBackend({ threads });
  const model: Transformer = loadTransformer({ config, tensors, backend, maxTokens: PROMPT + DECODE });
  tensors.clear();
  const ms = new Map<string, number>();
  const keyOf = (name: string, args: unknown[]) =>
    name === 'linear' ? `linear [${(args[2] as WeightTensor).shape.join(', ')}]` : name;
  /** f, adding each call's time to ms[key] */
  const timed =
    (key: string, f: (...a: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const t0 = performance.now();
      const result = f(...args);
      ms.set(key, (ms.get(key) ?? 0) + performance.now() - t0);
      return result;
    };
  const target = backend as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of [...OPS, ...OPS_ALSO]) {
    const inner = target[name].bind(backend);
    target[name] = (...args: unknown[]) => timed(keyOf(name, args), inner)(...args);
  }
  // a decode step runs prepared ops (the model's plan): time each run of them under the op's key
  const prepare = target.prepare.bind(backend);
  target.prepare = (op: unknown, ...args: unknown[]) =>
    timed(keyOf(op as string, args), prepare(op, ...args) as () => void);
  return { threads, backend, model, ms };
}

type Phase = Map<string, number[]>; // key → per-round ms (per step for decode)
const record = (phase: Phase, ms: Map<string, number>, total: number, steps: number) => {
  let inOps = 0;
  for (const [key, t] of ms) {
    inOps += t;
    phase.set(key, [...(phase.get(key) ?? []), t / steps]);
  }
  phase.set('outside the ops', [...(phase.get('outside the ops') ?? []), (total - inOps) / steps]);
  phase.set('total', [...(phase.get('total') ?? []), total / steps]);
  ms.clear();
};

const models: Awaited<ReturnType<typeof timedModel>>[] = [];
for (const t of THREADS) models.push(await timedModel(t));
const prefill = models.map(() => new Map() as Phase);
const decode = models.map(() => new Map() as Phase);
for (let round = 0; round <= ROUNDS; round++) {
  for (const [i, { model, ms }] of models.entries()) {
    model.reset();
    ms.clear();
    let t0 = performance.now();
    let id = argmax(model.forwardCached(prompt, { lastOnly: true }));
    const prefillMs = performance.now() - t0;
    if (round > 0) record(prefill[i], ms, prefillMs, 1); // round 0 warms up
    ms.clear();
    let decodeMs = 0;
    for (let s = 1; s < DECODE; s++) {
      t0 = performance.now();
      const logits = model.forwardCached([id], { lastOnly: true });
      decodeMs += performance.now() - t0;
      id = argmax(logits);
    }
    if (round > 0) record(decode[i], ms, decodeMs, DECODE - 1);
  }
}

function table(title: string, phases: Phase[]): void {
  const keys = [...phases[0].keys()].filter((k) => k !== 'total');
  const med = (p: Phase, k: string) => median(p.get(k) ?? [0]);
  keys.sort((a, b) => med(phases[0], b) - med(phases[0], a));
  const head = models.map((m) => `${m.threads} thread${m.threads > 1 ? 's' : ''}`.padStart(18)).join('');
  const ratios =
    models.length > 1
      ? `  ${models
          .map((m) => `×${m.threads}`)
          .slice(1)
          .join(' ')}`
      : '';
  console.log(`\n${title} (ms, medians of ${ROUNDS} rounds)${' '.repeat(8)}${head}${ratios}`);
  for (const k of ['total', ...keys]) {
    const cells = phases.map((p) => {
      const v = med(p, k);
      const share = k === 'total' ? '' : ` ${((100 * v) / med(p, 'total')).toFixed(1).padStart(4)} %`;
      return `${v.toFixed(3).padStart(10)}${share.padEnd(8)}`;
    });
    const speedup = phases.slice(1).map((p) => (med(phases[0], k) / med(p, k)).toFixed(2).padStart(5));
    console.log(`  ${k.padEnd(36)}${cells.join('')}${speedup.length ? `  ${speedup.join(' ')}` : ''}`);
  }
}

table(`prefill of ${PROMPT} tokens`, prefill);
table(`one decoded token (of ${DECODE - 1})`, decode);
for (const { backend } of models) backend.dispose();
