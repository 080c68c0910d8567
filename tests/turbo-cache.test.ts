// `turbo run build` a second time with no change must be fully cached. npm test builds before running
// the tests, so a dry run now must find every build task in the cache.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './pack/check-package.ts';

test('a second build with no change is fully cached', () => {
  const out = execFileSync(join(repoRoot, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--dry=json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const plan = JSON.parse(out) as { tasks: { taskId: string; command: string; cache: { status: string } }[] };
  // Packages without a build:wasm (or build) script show up as <NONEXISTENT> tasks: nothing to cache.
  const builds = plan.tasks.filter(
    (t) => t.command !== '<NONEXISTENT>' && (t.taskId.endsWith('#build') || t.taskId.endsWith('#build:wasm')),
  );
  expect(builds.length).toBeGreaterThan(5);
  const misses = builds.filter((t) => t.cache.status !== 'HIT').map((t) => t.taskId);
  expect(misses, 'tasks that would rebuild').toEqual([]);
}, 120_000);
