// A pool of worker threads that run kernel jobs over the backend's shared WebAssembly memory.
// A Backend call is synchronous, so the calling thread publishes a job (op, arguments, one range per
// participant), wakes the workers with Atomics.notify, runs range 0 itself and waits with Atomics.wait
// until every worker has finished. Atomics.wait is allowed on Node's main thread and in browser workers,
// not on a browser page's main thread (there the backend runs one thread). The wait is bounded: a worker
// that died or made no progress for `timeoutMs` turns into a ThreadPoolError, never a silent freeze.

import { LlmfError } from '@llmf/tensor';
import {
  ARG_COUNT,
  ARGS_OFFSET,
  CONTROL_BYTES,
  FAILED,
  GEN,
  LEFT,
  NEXT,
  OP,
  OP_STOP,
  workerSource,
} from './worker-source';

interface WorkerHandle {
  terminate(): unknown;
}

/** Options of {@link ThreadPool.create}. */
export interface ThreadPoolOptions {
  /** Fail a job whose workers show no progress for this long, instead of waiting forever (default 30 s). */
  timeoutMs?: number;
}

/** Checks of control[LEFT] before the calling thread sleeps on it. */
const WAIT_SPINS = 20_000;
/** Wait this long at a time for the workers, then look at the clock. */
const WAIT_SLICE_MS = 250;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The worker thread pool cannot run jobs: a worker died, or stopped answering for `timeoutMs`. Code
 * 'THREAD_POOL'. The pool stays unusable; create a new backend (or one with `threads: 1`).
 */
export class ThreadPoolError extends LlmfError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('THREAD_POOL', message, options);
  }
}

/** Why threads cannot run here, or undefined when they can. */
export function threadsUnavailableReason(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is not available (browsers need a cross-origin isolated page: COOP/COEP headers)';
  }
  if (typeof Atomics === 'undefined' || typeof Atomics.wait !== 'function')
    return 'Atomics.wait is not available';
  if (isNode()) return undefined;
  if (typeof Worker === 'undefined') return 'Web Workers are not available';
  if (typeof window !== 'undefined') {
    return 'Atomics.wait is not allowed on a browser main thread (create the backend inside a Web Worker)';
  }
  return undefined;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Worker threads sharing one memory; participant 0 is the calling thread. */
export class ThreadPool {
  /** Participants, the calling thread included. */
  readonly size: number;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: WorkerHandle[];
  private readonly timeoutMs: number;
  /** Why the pool cannot run jobs any more (a worker died or hung), or undefined while it can. */
  private broken: string | undefined;

  private constructor(size: number, control: SharedArrayBuffer, workers: WorkerHandle[], timeoutMs: number) {
    this.size = size;
    this.control = new Int32Array(control, 0, 16);
    this.args = new Float64Array(control, ARGS_OFFSET, ARG_COUNT + 2);
    this.workers = workers;
    this.timeoutMs = timeoutMs;
  }

  /** Start `size − 1` workers, each instantiating `module` over `memory`; resolves when all are ready. */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    size: number,
    options: ThreadPoolOptions = {},
  ): Promise<ThreadPool> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workers: WorkerHandle[] = [];
    const ready: Promise<void>[] = [];
    // a worker that exits or throws after start leaves its share undone: mark the pool broken, so the
    // next job fails at once (while a job waits, the event loop is blocked and the timeout catches it)
    let pool: ThreadPool | undefined;
    const lost = (why: string) => {
      if (pool !== undefined && pool.broken === undefined && pool.workers.length > 0) pool.broken = why;
    };
    try {
      if (isNode()) {
        const { Worker: NodeWorker } = await import('node:worker_threads');
        for (let index = 1; index < size; index++) {
          const worker = new NodeWorker(workerSource, {
            eval: true,
            workerData: { module, memory, control, index },
          });
          worker.unref(); // an idle pool never keeps the process alive
          workers.push(worker);
          ready.push(
            new Promise<void>((resolve, reject) => {
              worker.once('message', () => resolve());
              worker.once('error', reject);
            }),
          );
          worker.on('error', (e) => lost(`worker ${index} threw: ${String(e)}`));
          worker.on('exit', (code) => lost(`worker ${index} exited with code ${code}`));
        }
      } else {
        const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
        for (let index = 1; index < size; index++) {
          const worker = new Worker(url);
          workers.push(worker);
          ready.push(
            new Promise<void>((resolve, reject) => {
              worker.onmessage = () => resolve();
              worker.onerror = (e) => {
                lost(`worker ${index} threw: ${e.message}`);
                reject(new Error(e.message));
              };
            }),
          );
          worker.postMessage({ module, memory, control, index });
        }
        URL.revokeObjectURL(url);
      }
      await Promise.all(ready);
    } catch (cause) {
      for (const w of workers) w.terminate();
      throw new LlmfError(
        'UNSUPPORTED',
        `wasm backend: could not start ${size - 1} worker threads (${String(cause)})`,
        {
          cause,
        },
      );
    }
    pool = new ThreadPool(size, control, workers, timeoutMs);
    return pool;
  }

  /**
   * Run one job of `total` items (output columns, heads) in chunks of `chunk`: every participant, the
   * calling thread first among them, claims the next chunk from a shared counter until none is left, so a
   * thread that runs slower (a busy core) takes fewer chunks instead of holding the others up. `args` are
   * the kernel arguments; `self(r0, r1)` runs the chunk [r0, r1) on the calling thread. Returns when every
   * participant is done. `callerWorks: false` leaves every chunk to the workers (tests use it).
   */
  run(
    op: number,
    args: readonly number[],
    total: number,
    chunk: number,
    self: (r0: number, r1: number) => void,
    callerWorks = true,
  ): void {
    if (this.broken !== undefined) {
      throw new ThreadPoolError(
        `wasm backend: the worker thread pool cannot run kernels (${this.broken}); create a new backend`,
      );
    }
    const a = this.args;
    for (let i = 0; i < args.length; i++) a[i] = args[i];
    a[ARG_COUNT] = total;
    a[ARG_COUNT + 1] = chunk;
    const control = this.control;
    Atomics.store(control, FAILED, 0);
    Atomics.store(control, OP, op);
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, LEFT, this.size - 1);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    // subtle: wait for the workers even when our own chunk throws. Returning early leaves a worker
    // inside this job; the next job then stores LEFT = size − 1, this job's late decrement consumes it,
    // that job's decrement takes LEFT to −1, and a later caller waits forever for LEFT = 0.
    let threw = false;
    let thrown: unknown;
    try {
      // after a throw the calling thread claims nothing more; the workers finish the job's chunks
      for (let c = callerWorks ? Atomics.add(control, NEXT, 1) : total; c * chunk < total; ) {
        self(c * chunk, Math.min(total, (c + 1) * chunk));
        c = Atomics.add(control, NEXT, 1);
      }
    } catch (e) {
      threw = true;
      thrown = e;
    }
    this.waitForWorkers();
    if (threw) throw thrown;
    if (Atomics.load(control, FAILED) !== 0) {
      throw new LlmfError('INVALID_ARGUMENT', 'wasm backend: a worker thread failed while running a kernel');
    }
  }

  /** Sleep until control[LEFT] = 0; throws ThreadPoolError after `timeoutMs` without progress. */
  private waitForWorkers(): void {
    const control = this.control;
    // spin briefly first: a worker that is awake finishes within microseconds, and falling asleep in
    // Atomics.wait costs a wake-up round trip per call (it dominated small models' decode on 2 threads)
    for (let spin = 0; spin < WAIT_SPINS && Atomics.load(control, LEFT) !== 0; spin++);
    let left = Atomics.load(control, LEFT);
    let since = Date.now();
    const slice = Math.min(WAIT_SLICE_MS, this.timeoutMs);
    while (left !== 0) {
      if (left < 0) this.fail(`the pending-worker count went negative (${left})`);
      Atomics.wait(control, LEFT, left, slice);
      const now = Atomics.load(control, LEFT);
      if (now !== left) {
        left = now;
        since = Date.now();
      } else if (Date.now() - since >= this.timeoutMs) {
        this.fail(`${left} of ${this.size - 1} workers did not finish a kernel within ${this.timeoutMs} ms`);
      }
    }
  }

  /** Mark the pool unusable, stop its workers and throw. */
  private fail(why: string): never {
    this.broken = why;
    for (const w of this.workers) w.terminate();
    throw new ThreadPoolError(
      `wasm backend: the worker thread pool stopped (${why}); create a new backend, or use threads: 1`,
    );
  }

  /** Stop and release the workers. */
  dispose(): void {
    this.broken ??= 'the pool was disposed';
    const control = this.control;
    Atomics.store(control, OP, OP_STOP);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
