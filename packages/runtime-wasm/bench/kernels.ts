// Kernel throughput of the WASM backend on GPT-2 124M shapes (C = 768, F = 3072, V = 50257), next to the
// machine's measured SIMD peak (peak_f32: register-only multiply-adds). Prints a table and one JSON line.
// Run: pnpm --filter @llmf/runtime-wasm bench  (or: tsx --conditions=@llmf/source bench/kernels.ts)

import { tensor } from '@llmf/tensor';
import { kernelBytes, relaxedSimdSupported } from '../src/wasm/binaries';
import { createWasmBackend, type WasmBackend } from '../src/wasm/index';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(f: () => void, minMs = 300): number {
  f();
  const samples: number[] = [];
  const end = performance.now() + minMs;
  while (samples.length < 5 || performance.now() < end) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function peakGflops(simd: 'simd128' | 'relaxed-simd'): Promise<number> {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(kernelBytes(simd, false), { env: { memory } });
  const peak = (instance.exports as { peak_f32(n: number): number }).peak_f32;
  const iters = 2_000_000;
  // the fastest of several runs: the peak is what the core does when nothing else runs on it
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    peak(iters);
    samples.push(performance.now() - t0);
  }
  return (iters * 96) / Math.min(...samples) / 1e6; // 96 flops per iteration (assembly/peak.ts)
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
}

function linearCase(
  be: WasmBackend,
  T: number,
  K: number,
  N: number,
): { ms: number; gflops: number; gbs: number } {
  const x = be.upload(tensor(random(T * K), [T, K]), 'compute');
  const w = be.upload(tensor(random(N * K), [N, K]), 'weights');
  const b = be.upload(tensor(random(N), [N]), 'weights');
  const out = be.alloc([T, N], 'compute');
  const ms = time(() => be.linear(out, x, w, b));
  return { ms, gflops: (2 * T * K * N) / ms / 1e6, gbs: (4 * N * K) / ms / 1e6 };
}

const rows: Record<string, string | number>[] = [];
// relaxed SIMD only where this engine validates it (Node 20 does not, without --experimental-relaxed-simd)
const levels = relaxedSimdSupported() ? (['simd128', 'relaxed-simd'] as const) : (['simd128'] as const);
const peaks: Record<string, number> = {};
for (const level of levels) peaks[level] = await peakGflops(level);
const setups = levels.flatMap((simd) => [
  [simd, 1],
  [simd, 2],
]) as [(typeof levels)[number], number][];
for (const [simd, threads] of setups) {
  const be = await createWasmBackend({ simd, threads });
  for (const [label, T, K, N] of [
    ['prefill qkv/proj [128,768]·[768,768]ᵀ', 128, 768, 768],
    ['prefill fc [128,768]·[3072,768]ᵀ', 128, 768, 3072],
    ['prefill proj [128,3072]·[768,3072]ᵀ', 128, 3072, 768],
    ['decode fc [1,768]·[3072,768]ᵀ', 1, 768, 3072],
    ['decode lm_head [1,768]·[50257,768]ᵀ', 1, 768, 50257],
  ] as const) {
    const r = linearCase(be, T, K, N);
    rows.push({
      kernel: `linear ${label}`,
      simd,
      threads,
      ms: +r.ms.toFixed(3),
      'GFLOP/s': +r.gflops.toFixed(1),
      'weights GB/s': T === 1 ? +r.gbs.toFixed(1) : '',
      'peak GFLOP/s (1 thread)': +peaks[simd].toFixed(1),
    });
  }
  be.dispose();
}
console.table(rows);
console.log(JSON.stringify({ bench: 'wasm-kernels', peaks, rows }));
