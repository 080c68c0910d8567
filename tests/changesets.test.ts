// Releases are independent per package (no fixed or linked groups) and internal dependents get a patch
// bump: run `changeset version` on a copy of the workspace manifests with one changeset and check it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './pack/check-package.ts';

function copyWorkspaceManifests(to: string): void {
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(repoRoot, file), join(to, file));
  mkdirSync(join(to, '.changeset'));
  cpSync(join(repoRoot, '.changeset', 'config.json'), join(to, '.changeset', 'config.json'));
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(repoRoot, group))) {
      const manifest = join(repoRoot, group, name, 'package.json');
      mkdirSync(join(to, group, name), { recursive: true });
      cpSync(manifest, join(to, group, name, 'package.json'));
    }
  }
  mkdirSync(join(to, 'tests'));
  cpSync(join(repoRoot, 'tests', 'package.json'), join(to, 'tests', 'package.json'));
}

const version = (dir: string, pkg: string) =>
  JSON.parse(readFileSync(join(dir, 'packages', pkg, 'package.json'), 'utf8')).version as string;

test('changeset version bumps one package and patches its internal dependents only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmf-changesets-'));
  copyWorkspaceManifests(dir);
  const before = {
    tensor: version(dir, 'tensor'),
    attention: version(dir, 'attention'),
    tokenizer: version(dir, 'tokenizer'),
  };
  writeFileSync(
    join(dir, '.changeset', 'tensor-feature.md'),
    '---\n"@llmf/tensor": minor\n---\n\nA new kernel.\n',
  );
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: dir, stdio: 'pipe' });

  const [major, minor] = before.tensor.split('.').map(Number);
  expect(version(dir, 'tensor')).toBe(`${major}.${minor! + 1}.0`);
  // attention depends on tensor: bumped by patch, its dependency range updated.
  const attention = JSON.parse(readFileSync(join(dir, 'packages', 'attention', 'package.json'), 'utf8'));
  const [aMajor, aMinor, aPatch] = before.attention.split('.').map(Number);
  expect(attention.version).toBe(`${aMajor}.${aMinor}.${aPatch! + 1}`);
  expect(attention.dependencies['@llmf/tensor']).toBe('workspace:^');
  const changelog = readFileSync(join(dir, 'packages', 'attention', 'CHANGELOG.md'), 'utf8');
  expect(changelog).toMatch(/Updated dependencies/);
  expect(changelog).toMatch(/@llmf\/tensor@/);
  // tokenizer does not depend on tensor: independent versions, untouched.
  expect(version(dir, 'tokenizer')).toBe(before.tokenizer);
  expect(readFileSync(join(dir, 'packages', 'tensor', 'CHANGELOG.md'), 'utf8')).toMatch(/A new kernel\./);
}, 60_000);
