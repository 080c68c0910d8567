// The worker thread pool never deadlocks: the scenarios of pool-scenarios.ts (a throwing share on the
// calling thread followed by 3000 checked jobs, a notify that arrives after its job was done, a slow
// calling thread whose chunks the worker takes over, a dead
// worker, a worker past the timeout) run in a child process; a hang there is killed by the watchdog and
// fails this test instead of freezing the runner.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const WATCHDOG_MS = 60_000;

interface Outcome {
  name: string;
  ok: boolean;
  detail: string;
}

function runScenarios(): Promise<{ outcomes: Outcome[]; error: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@llmf/source', '--import', 'tsx', 'test/pool-scenarios.ts'],
      { cwd: packageDir, timeout: WATCHDOG_MS, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const outcomes = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Outcome);
        const error =
          err === null
            ? ''
            : err.killed
              ? `deadlock: the scenarios did not finish within ${WATCHDOG_MS} ms`
              : `${String(err)}\n${stderr}`;
        resolve({ outcomes, error });
      },
    );
  });
}

describe('thread pool', () => {
  it('stays in step after a throwing share or a late notify; balances a slow thread; a dead or hung worker is a ThreadPoolError', async () => {
    const { outcomes, error } = await runScenarios();
    expect(error).toBe('');
    expect(outcomes).toEqual([
      { name: 'self-throws', ok: true, detail: '' },
      { name: 'late-notify', ok: true, detail: '' },
      { name: 'slow-caller', ok: true, detail: '' },
      { name: 'dead-worker', ok: true, detail: '' },
      { name: 'timeout', ok: true, detail: '' },
    ]);
  }, 90_000);
});
