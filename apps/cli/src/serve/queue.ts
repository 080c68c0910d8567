// The model's waiting line. An LLM runs one generation at a time (its KV cache is a single sequence), so
// requests take turns: one holds the model, at most `maxWaiting` wait in arrival order, and the rest are
// turned away at once (429) so that a client or load balancer can retry elsewhere instead of piling up.

import { HttpError } from './http-error';

/** Hands the model to the next request; call exactly once when the generation is over. */
export type Release = () => void;

interface Waiter {
  grant(release: Release): void;
  reject(error: unknown): void;
}

/** A FIFO of requests for the one model slot, bounded in length. */
export class SlotQueue {
  private holding = false;
  private readonly waiters: Waiter[] = [];

  /** @param maxWaiting requests that may wait while one runs (0: only the running one is accepted). */
  constructor(readonly maxWaiting: number) {}

  /** Whether a request holds the model now. */
  get busy(): boolean {
    return this.holding;
  }

  /** Requests waiting for the model. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Wait for the model. Throws 429 at once when the line is full. If `signal` aborts while waiting
   * (the client went away) the request leaves the line and the promise rejects with the signal's reason.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.holding) {
      this.holding = true;
      return Promise.resolve(this.releaser());
    }
    if (this.waiters.length >= this.maxWaiting) {
      return Promise.reject(
        new HttpError(
          429,
          `the server is busy: 1 request is running and ${this.waiters.length} are waiting (--max-queue ${this.maxWaiting}); retry later`,
          'rate_limit_error',
          'queue_full',
          { 'retry-after': '1' },
        ),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Turn away everyone still waiting (shutdown); the running request keeps the model. */
  rejectWaiting(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant(this.releaser());
      else this.holding = false;
    };
  }
}
