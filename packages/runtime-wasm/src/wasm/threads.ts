// A pool of worker threads that run kernel jobs over the backend's shared WebAssembly memory.
// A Backend call is synchronous, so the calling thread publishes a job (op, arguments, one range per
// participant), wakes the workers with Atomics.notify, runs range 0 itself and waits with Atomics.wait
// until every worker has finished. Atomics.wait is allowed on Node's main thread and in browser workers,
// not on a browser page's main thread (there the backend runs one thread).

import { LlmfError } from '@llmf/tensor';
import {
  ARG_COUNT,
  ARGS_OFFSET,
  CONTROL_BYTES,
  FAILED,
  GEN,
  LEFT,
  OP,
  OP_STOP,
  workerSource,
} from './worker-source';

interface WorkerHandle {
  terminate(): unknown;
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

  private constructor(size: number, control: SharedArrayBuffer, workers: WorkerHandle[]) {
    this.size = size;
    this.control = new Int32Array(control, 0, 16);
    this.args = new Float64Array(control, ARGS_OFFSET, ARG_COUNT + 2 * 64);
    this.workers = workers;
  }

  /** Start `size − 1` workers, each instantiating `module` over `memory`; resolves when all are ready. */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    size: number,
  ): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workers: WorkerHandle[] = [];
    const ready: Promise<void>[] = [];
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
        }
      } else {
        const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
        for (let index = 1; index < size; index++) {
          const worker = new Worker(url);
          workers.push(worker);
          ready.push(
            new Promise<void>((resolve, reject) => {
              worker.onmessage = () => resolve();
              worker.onerror = (e) => reject(new Error(e.message));
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
    return new ThreadPool(size, control, workers);
  }

  /**
   * Run one job: `args` are the kernel arguments, `ranges[i]` = [start, end) of participant i; `self`
   * runs participant 0's range on the calling thread. Returns when every participant is done.
   */
  run(op: number, args: readonly number[], ranges: readonly number[], self: () => void): void {
    const a = this.args;
    for (let i = 0; i < args.length; i++) a[i] = args[i];
    for (let i = 0; i < ranges.length; i++) a[ARG_COUNT + i] = ranges[i];
    const control = this.control;
    Atomics.store(control, FAILED, 0);
    Atomics.store(control, OP, op);
    Atomics.store(control, LEFT, this.size - 1);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    self();
    for (let left = Atomics.load(control, LEFT); left !== 0; left = Atomics.load(control, LEFT)) {
      Atomics.wait(control, LEFT, left);
    }
    if (Atomics.load(control, FAILED) !== 0) {
      throw new LlmfError('INVALID_ARGUMENT', 'wasm backend: a worker thread failed while running a kernel');
    }
  }

  /** Stop and release the workers. */
  dispose(): void {
    const control = this.control;
    Atomics.store(control, OP, OP_STOP);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
