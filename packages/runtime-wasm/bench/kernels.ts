// Kernel throughput of the WASM backend on GPT-2 124M shapes (C = 768, F = 3072, V = 50257), next to the
// machine's measured SIMD peak (peak_f32: register-only multiply-adds). Prints a table and one JSON line.
// Run: pnpm --filter @llmf/runtime-wasm bench  (or: tsx --conditions=@llmf/source bench/kernels.ts)

import { tensor } from '@llmf/tensor';
import { relaxedSimdSupported } from '../src/wasm/binaries';
import { createWasmBackend, type WasmBackend } from '../src/wasm/index';
import { bandwidthGBs, peakGflops } from './probes';

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
  packed: boolean,
): { ms: number; gflops: number; gbs: number } {
  const x = be.upload(tensor(random(T * K), [T, K]), 'compute');
  const plain = be.upload(tensor(random(N * K), [N, K]), 'weights');
  const w = packed ? be.packLinear(plain) : plain;
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
    for (const packed of [false, true]) {
      const r = linearCase(be, T, K, N, packed);
      rows.push({
        kernel: `linear ${label}`,
        w: packed ? 'packed' : 'as stored',
        simd,
        threads,
        ms: +r.ms.toFixed(3),
        'GFLOP/s': +r.gflops.toFixed(1),
        'weights GB/s': T === 1 ? +r.gbs.toFixed(1) : '',
        'peak GFLOP/s (1 thread)': +peaks[simd].toFixed(1),
      });
    }
  }
  be.dispose();
}
console.table(rows);
const bandwidth = await bandwidthGBs();
console.log(`memory bandwidth (one thread, 8-stream read of 256 MiB): ${bandwidth.toFixed(2)} GB/s`);
console.log(JSON.stringify({ bench: 'wasm-kernels', peaks, bandwidthGBs: bandwidth, rows }));
