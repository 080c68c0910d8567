// The machine's limits, measured by the kernel module itself, for the benchmarks' "of peak" columns:
//   peakGflops     register-only f32x4 multiply-adds (assembly/peak.ts: 96 flops per iteration)
//   bandwidthGBs   a read of `bytes` of wasm linear memory as eight concurrent streams (stream_read_f32)
// Both take the best of several passes: the limit is what the core does when nothing else runs on it.

import { kernelBytes, type SimdLevel } from '../src/wasm/binaries';

async function instantiate(simd: SimdLevel, pages: number) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(kernelBytes(simd, false), { env: { memory } });
  return {
    memory,
    exports: instance.exports as {
      peak_f32(iters: number): number;
      stream_read_f32(ptr: number, bytes: number): number;
    },
  };
}

/** GFLOP/s of one thread's register-only multiply-adds (fastest of 9 runs). */
export async function peakGflops(simd: SimdLevel = 'simd128'): Promise<number> {
  const { exports } = await instantiate(simd, 1);
  const iters = 2_000_000;
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    exports.peak_f32(iters);
    samples.push(performance.now() - t0);
  }
  return (iters * 96) / Math.min(...samples) / 1e6;
}

/**
 * A bandwidth probe over its own `bytes` (default 256 MiB, far above the caches) of wasm memory, allocated and
 * touched once: each call returns the GB/s of one thread reading it, the fastest of `passes`.
 */
export async function bandwidthProbe(bytes = 256 * 2 ** 20): Promise<(passes?: number) => number> {
  const offset = 2 ** 20;
  const { memory, exports } = await instantiate('simd128', Math.ceil((bytes + offset) / 65536));
  new Float32Array(memory.buffer, offset, bytes / 4).fill(1); // touch every page first
  return (passes = 5) => {
    const times: number[] = [];
    let sink = 0;
    for (let i = 0; i < passes; i++) {
      const t0 = performance.now();
      sink += exports.stream_read_f32(offset, bytes);
      times.push(performance.now() - t0);
    }
    if (!(sink > 0)) throw new Error('stream_read_f32 returned nothing');
    return bytes / (Math.min(...times) / 1e3) / 1e9;
  };
}

/** GB/s of one thread reading `bytes` (default 256 MiB) of wasm memory (fastest of `passes`). */
export async function bandwidthGBs(bytes = 256 * 2 ** 20, passes = 5): Promise<number> {
  return (await bandwidthProbe(bytes))(passes);
}
