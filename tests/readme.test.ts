// The root README's library example is tests/examples/pipeline.ts, verbatim: check that it is, then run it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './pack/check-package.ts';

const example = readFileSync(join(repoRoot, 'tests', 'examples', 'pipeline.ts'), 'utf8');

test('README.md shows the pipeline example verbatim', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const body = example.split('\n').slice(1).join('\n').trim(); // without the file's first comment line
  expect(readme).toContain(body);
});

test('the pipeline example runs and prints what its comments say', () => {
  const out = execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@llmf/source', join(repoRoot, 'tests', 'examples', 'pipeline.ts')],
    { encoding: 'utf8', cwd: join(repoRoot, 'tests') },
  );
  const lines = out.trim().split('\n');
  expect(lines[0]).toBe('["The"," c","at"," s","at"," on"," the"]');
  expect(lines[1]).toBe('7 1025 true true');
}, 60_000);
