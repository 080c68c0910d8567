// The model's waiting line (SlotQueue), against a plain model of it: one holder at a time, waiters served
// in arrival order, at most `maxWaiting` waiting, a full line refused with 429, aborted waiters removed.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { HttpError } from '../src/serve/http-error';
import { type Release, SlotQueue } from '../src/serve/queue';

type Op = { kind: 'acquire' } | { kind: 'release' } | { kind: 'abort'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'acquire' as const }),
  fc.constant({ kind: 'release' as const }),
  fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }),
);

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SlotQueue', () => {
  test.prop([fc.nat({ max: 4 }), fc.array(op, { maxLength: 40 })], { numRuns: 100 })(
    'behaves like a bounded FIFO with one holder',
    async (maxWaiting, ops) => {
      const queue = new SlotQueue(maxWaiting);
      // the model: who holds, who waits (by request number), what each request ended as
      let holder: number | undefined;
      const waiting: number[] = [];
      const outcome = new Map<number, 'granted' | 'refused' | 'aborted'>();
      const releases = new Map<number, Release>();
      const controllers = new Map<number, AbortController>();
      let next = 0;
      for (const o of ops) {
        if (o.kind === 'acquire') {
          const n = next++;
          const ac = new AbortController();
          controllers.set(n, ac);
          queue.acquire(ac.signal).then(
            (release) => {
              outcome.set(n, 'granted');
              releases.set(n, release);
            },
            (error: unknown) =>
              outcome.set(n, error instanceof HttpError && error.status === 429 ? 'refused' : 'aborted'),
          );
          if (holder === undefined) holder = n;
          else if (waiting.length < maxWaiting) waiting.push(n);
          else outcome.set(n, 'refused');
        } else if (o.kind === 'release' && holder !== undefined) {
          releases.get(holder)?.();
          holder = waiting.shift();
        } else if (o.kind === 'abort' && waiting.length > 0) {
          const [n] = waiting.splice(o.pick % waiting.length, 1);
          controllers.get(n!)!.abort();
        }
        await flush();
        expect(queue.busy).toBe(holder !== undefined);
        expect(queue.waiting).toBe(waiting.length);
        if (holder !== undefined) expect(releases.has(holder)).toBe(true);
        for (const w of waiting) expect(outcome.has(w)).toBe(false);
      }
      for (const [n, result] of outcome) {
        if (result === 'refused') expect(releases.has(n)).toBe(false);
      }
    },
  );

  test('rejectWaiting turns away the waiters but not the holder; a release is idempotent', async () => {
    const queue = new SlotQueue(2);
    const first = await queue.acquire();
    const second = queue.acquire();
    const third = queue.acquire();
    queue.rejectWaiting(new Error('stopping'));
    await expect(second).rejects.toThrow('stopping');
    await expect(third).rejects.toThrow('stopping');
    expect(queue.busy).toBe(true);
    first();
    first();
    expect(queue.busy).toBe(false);
    const again = await queue.acquire();
    expect(queue.busy).toBe(true);
    again();
  });

  test('a full line is refused with a 429 that says how to recover', async () => {
    const queue = new SlotQueue(0);
    const held = await queue.acquire();
    const error = await queue.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(429);
    expect((error as HttpError).code).toBe('queue_full');
    expect((error as HttpError).message).toMatch(/retry later/);
    held();
  });
});
