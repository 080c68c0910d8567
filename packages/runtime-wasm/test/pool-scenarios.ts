// Scenarios for the worker thread pool, run in a child process by wasm-pool.test.ts so that a deadlock
// (the calling thread asleep in Atomics.wait forever) fails that test through a timeout instead of
// freezing the test runner. Prints one JSON line per scenario: { name, ok, detail }.
// Run alone: node --conditions=@llmf/source --import tsx test/pool-scenarios.ts

import { LlmfError } from '@llmf/tensor';
import { createMemory } from '../src/wasm/arena';
import { type KernelExports, kernelBytes } from '../src/wasm/binaries';
import { ThreadPool } from '../src/wasm/threads';
import { OP_MATMUL } from '../src/wasm/worker-source';

const MiB = 2 ** 20;
const A = 1 * MiB; // a: [M, K]
const B = 8 * MiB; // b: [K, N]
const OUT = 24 * MiB; // out: [M, N]

function report(name: string, ok: boolean, detail: string): void {
  console.log(JSON.stringify({ name, ok, detail }));
}

/** A ThreadPoolError (matched by code, so this script also runs against an older pool). */
function isPoolError(e: unknown): boolean {
  return LlmfError.isInstance(e) && e.code === 'THREAD_POOL' && e.name === 'ThreadPoolError';
}

const { memory } = createMemory(40 * MiB, true);
const module = await WebAssembly.compile(kernelBytes('simd128', true));
const k = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as KernelExports;
const heap = () => new Float32Array(memory.buffer);

/** Fill a [M, K] and b [K, N] with a seeded pattern. */
function fill(M: number, K: number, N: number, seed: number): void {
  const h = heap();
  for (let i = 0; i < M * K; i++) h[A / 4 + i] = ((i * 7 + seed) % 13) / 13 - 0.5;
  for (let i = 0; i < K * N; i++) h[B / 4 + i] = ((i * 5 + seed) % 11) / 11 - 0.5;
  h.fill(Number.NaN, OUT / 4, OUT / 4 + M * N);
}

/** Largest |out − a·b| against an f64 reference: [M, K] · [K, N] → [M, N]. */
function maxError(M: number, K: number, N: number): number {
  const h = heap();
  let worst = 0;
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let i = 0; i < K; i++) sum += h[A / 4 + m * K + i] * h[B / 4 + i * N + n];
      const e = Math.abs(h[OUT / 4 + m * N + n] - sum);
      worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : Math.max(worst, e);
    }
  return worst;
}

// 1. The calling thread's share throws while the worker still runs its share; 3000 jobs split over both
//    threads follow, each checked against the reference. Before the fix: the pool fell out of step
//    (jobs returned before the worker's half was written, then control[LEFT] reached −1: a hang).
{
  const pool = await ThreadPool.create(module, memory, 2);
  const [M, K, N] = [64, 512, 1024];
  fill(M, K, N, 0);
  let detail = '';
  try {
    pool.run(OP_MATMUL, [OUT, A, B, M, K, N], N, N / 2, () => {
      throw new Error('a trap on the calling thread');
    });
    detail = 'the throwing share did not throw';
  } catch (e) {
    if (String(e) !== 'Error: a trap on the calling thread') detail = `threw ${String(e)}`;
  }
  for (let job = 0; job < 3000 && detail === ''; job++) {
    const m = 1 + (job % 5);
    const kk = 1 + (job % 17);
    const n = 16 * (2 + (job % 3));
    fill(m, kk, n, job);
    pool.run(OP_MATMUL, [OUT, A, B, m, kk, n], n, 16, (n0, n1) => k.matmul_f32(OUT, A, B, m, kk, n, n0, n1));
    const e = maxError(m, kk, n);
    if (!(e < 1e-4)) detail = `job ${job}: [${m}, ${kk}] · [${kk}, ${n}] off by ${e}`;
  }
  report('self-throws', detail === '', detail);
  pool.dispose();
}

// 2. The caller is descheduled between bumping the generation and notifying it, long enough for the
//    worker to run the job and fall asleep again: the late notify must not run that job a second time.
//    Before the fix the worker woke, took the unchanged generation for a new job and ran it again:
//    control[LEFT] went to −1 (or, when the next job was already out, the pools fell out of step).
{
  const pool = await ThreadPool.create(module, memory, 2);
  const control = (pool as unknown as { control: Int32Array }).control;
  const [GEN, LEFT] = [0, 1];
  const [m, kk, n] = [3, 5, 32];
  let detail = '';
  for (let round = 0; round < 20 && detail === ''; round++) {
    fill(m, kk, n, round);
    // publish as run() does, all of the job on the worker, but hold the notify back
    pool.run(OP_MATMUL, [OUT, A, B, m, kk, n], n, n, () => {}, false);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the worker is asleep on GEN again
    Atomics.notify(control, GEN); // the late notify of the job just done
    await new Promise((resolve) => setTimeout(resolve, 5));
    const left = Atomics.load(control, LEFT);
    if (left !== 0) detail = `round ${round}: a late notify made control[LEFT] = ${left}`;
    const e = maxError(m, kk, n);
    if (detail === '' && !(e < 1e-4)) detail = `round ${round}: off by ${e}`;
  }
  report('late-notify', detail === '', detail);
  pool.dispose();
}

// 2b. A slow participant takes fewer chunks: the calling thread's first chunk does not finish until the
//     worker has claimed every other chunk (it waits on the shared counter), so the worker computes seven of
//     the eight and the product is still whole.
{
  const pool = await ThreadPool.create(module, memory, 2);
  const control = (pool as unknown as { control: Int32Array }).control;
  const NEXT = 4;
  const [M, K, N] = [8, 64, 128];
  fill(M, K, N, 3);
  const mine: number[] = [];
  let detail = '';
  pool.run(OP_MATMUL, [OUT, A, B, M, K, N], N, 16, (n0, n1) => {
    if (mine.length === 0) {
      const until = Date.now() + 10_000;
      while (Atomics.load(control, NEXT) < N / 16 && Date.now() < until); // the worker claims the rest
    }
    mine.push(n0);
    k.matmul_f32(OUT, A, B, M, K, N, n0, n1);
  });
  if (mine.length !== 1) detail = `the calling thread ran ${mine.length} chunks (${mine.join(', ')}), not 1`;
  const e = maxError(M, K, N);
  if (detail === '' && !(e < 1e-4)) detail = `off by ${e}`;
  report('slow-caller', detail === '', detail);
  pool.dispose();
}

// 3. A worker that died between jobs: the next job throws ThreadPoolError instead of waiting forever.
{
  const pool = await ThreadPool.create(module, memory, 2);
  const worker = (pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0];
  await worker.terminate();
  await new Promise((resolve) => setTimeout(resolve, 10)); // let the 'exit' event through
  let detail = 'no error';
  try {
    pool.run(OP_MATMUL, [OUT, A, B, 1, 1, 32], 32, 16, (n0, n1) => k.matmul_f32(OUT, A, B, 1, 1, 32, n0, n1));
  } catch (e) {
    detail = isPoolError(e) ? '' : `threw ${String(e)}`;
  }
  report('dead-worker', detail === '', detail);
  pool.dispose();
}

// 4. A worker that does not finish within timeoutMs: the wait ends with ThreadPoolError, and the pool
//    refuses later jobs. The worker gets the whole of a large product, the calling thread nothing.
{
  const pool = await ThreadPool.create(module, memory, 2, { timeoutMs: 1 });
  const [M, K, N] = [512, 1024, 2048]; // 2³⁰ multiply-adds on the worker
  let detail = 'no error';
  try {
    pool.run(OP_MATMUL, [OUT - 8 * MiB, A, B - 4 * MiB, M, K, N], N, N, () => {}, false);
  } catch (e) {
    detail = isPoolError(e) ? '' : `threw ${String(e)}`;
  }
  if (detail === '') {
    try {
      pool.run(OP_MATMUL, [OUT, A, B, 1, 1, 32], 32, 16, () => {});
      detail = 'a stopped pool ran a job';
    } catch (e) {
      if (!isPoolError(e)) detail = `later job threw ${String(e)}`;
    }
  }
  report('timeout', detail === '', detail);
  pool.dispose();
}
