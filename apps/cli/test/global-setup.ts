// Tests run the built `llmf` (dist/bin.js) as a subprocess, as users do. CI builds before testing; locally,
// build the CLI and its workspace dependencies here when dist is missing or older than the sources.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const bin = join(cliDir, 'dist', 'bin.js');
  const stale = !existsSync(bin) || statSync(bin).mtimeMs < newestMtime(join(cliDir, 'src'));
  if (!stale) return;
  execFileSync('pnpm', ['turbo', 'run', 'build', '--filter', '@llmf/cli...', '--output-logs=errors-only'], {
    cwd: join(cliDir, '..', '..'),
    stdio: 'inherit',
  });
}
