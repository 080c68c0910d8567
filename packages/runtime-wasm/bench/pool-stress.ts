// Stress of the WASM backend's worker pool (threads: 2), driven the way training drives it: linear /
// matmul / attention of varied sizes (tiny ones stay on the calling thread, big ones split), resident and
// foreign tensors (foreign ones grow the per-call scratch), alloc/reserve growing the shared memory, and
// now and then an idle event loop between calls. Stops after MINUTES (default 2) or on the first error.
// Run: pnpm exec tsx --conditions=@llmf/source bench/pool-stress.ts [minutes] [threads]

import { type Tensor, tensor } from '@llmf/tensor';
import { createWasmBackend } from '../src/wasm/index';

const minutes = Number(process.argv[2] ?? 2);
const threads = Number(process.argv[3] ?? 2);
let seed = 12345;
/** xorshift32 in [0, 1) */
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}
const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const filled = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => rand() - 0.5);
  return tensor(data, shape);
};

const end = Date.now() + minutes * 60_000;
let calls = 0;
let grows = 0;
let backends = 0;
let lastReport = Date.now();
while (Date.now() < end) {
  const be = await createWasmBackend({ threads });
  if (backends++ === 0) console.log(`threads ${be.threads}, simd ${be.simd}`);
  // a fresh backend whenever 256 MiB of tensors are in use
  while (Date.now() < end && be.bytesInUse < 256 * 2 ** 20) {
    const kind = pick(0, 9);
    const resident = rand() < 0.7;
    const place = (t: Tensor) => (resident ? be.upload(t, 'compute') : t);
    if (kind <= 3) {
      // linear: [T, K] · [N, K]ᵀ (+ [N]) → [T, N]
      const T = pick(1, 64);
      const K = pick(1, 128);
      const N = pick(1, 512);
      const out = resident ? be.alloc([T, N], 'compute') : tensor(new Float32Array(T * N), [T, N]);
      be.linear(
        out,
        place(filled([T, K])),
        place(filled([N, K])),
        rand() < 0.5 ? place(filled([N])) : undefined,
      );
    } else if (kind <= 5) {
      // matmul: [M, K] · [K, N] → [M, N]
      const M = pick(1, 64);
      const K = pick(1, 128);
      const N = pick(1, 512);
      const out = resident ? be.alloc([M, N], 'compute') : tensor(new Float32Array(M * N), [M, N]);
      be.matmul(out, place(filled([M, K])), place(filled([K, N])));
    } else if (kind <= 7) {
      // attention: q [T, H, D], k/v [S, Hkv, D] → [T, H, D]
      const Hkv = pick(1, 4);
      const H = Hkv * pick(1, 3);
      const D = pick(1, 32);
      const T = pick(1, 32);
      const S = T + pick(0, 32);
      const out = resident ? be.alloc([T, H, D], 'compute') : tensor(new Float32Array(T * H * D), [T, H, D]);
      const weights = rand() < 0.3 ? tensor(new Float32Array(H * T * S), [H, T, S]) : undefined;
      be.attention(out, place(filled([T, H, D])), place(filled([S, Hkv, D])), place(filled([S, Hkv, D])), {
        scale: 1 / Math.sqrt(D),
        causal: rand() < 0.5,
        weights,
      });
    } else if (kind === 8) {
      // grow the shared memory (replaces memory.buffer)
      be.reserve(pick(1, 4) * 65536 * 4);
      grows++;
    } else {
      // an idle event loop between calls
      await new Promise((r) => setTimeout(r, pick(0, 2)));
    }
    calls++;
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      console.log(`${calls} calls, ${grows} grows, ${backends} backends`);
    }
  }
  be.dispose();
}
console.log(`done: ${calls} calls, ${grows} grows, ${backends} backends, no hang`);
