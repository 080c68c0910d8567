// Throughput of the reference kernels and of safetensors reading. Run: pnpm --filter @llmf/tensor bench
// Prints a table and one JSON line; medians of several runs (the machine may be shared and noisy).
import { createReferenceBackend, readSafetensors, tensor, writeSafetensors, zeros } from '../src/index';
import { seededValues } from '../src/testing';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, fn: () => void): number {
  fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const be = createReferenceBackend();
const results: Record<string, number> = {};

// linear: x [T=64, K=256] · wᵀ (w [N=256, K=256]): 2·T·K·N flops
{
  const [T, K, N] = [64, 256, 256];
  const x = tensor(seededValues(T * K, 1), [T, K]);
  const w = tensor(seededValues(N * K, 2), [N, K]);
  const out = zeros([T, N]);
  const ms = time(7, () => be.linear(out, x, w));
  results.ref_linear_gflops = (2 * T * K * N) / (ms * 1e6);
}

// attention: T = 64 queries over S = 64 keys, H = 8, D = 64, causal
{
  const [T, H, D] = [64, 8, 64];
  const q = tensor(seededValues(T * H * D, 3), [T, H, D]);
  const k = tensor(seededValues(T * H * D, 4), [T, H, D]);
  const v = tensor(seededValues(T * H * D, 5), [T, H, D]);
  const out = zeros([T, H, D]);
  results.ref_attention_ms = time(7, () => be.attention(out, q, k, v, { scale: 1 / 8, causal: true }));
}

// safetensors: 16 tensors of 1M values (64 MB as F32), read back as f32
const values = 1 << 20;
const tensors = new Map(
  Array.from({ length: 16 }, (_, i) => [`layer.${i}.weight`, tensor(seededValues(values, i), [1024, 1024])]),
);
for (const dtype of ['F32', 'F16', 'BF16'] as const) {
  const bytes = writeSafetensors(tensors, { dtype });
  const ms = time(5, () => readSafetensors(bytes));
  results[`read_${dtype.toLowerCase()}_mvalues_per_s`] = (16 * values) / (ms * 1e3);
}

console.log('| measure | value |\n|---|---|');
for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v.toFixed(2)} |`);
console.log(JSON.stringify(results));
