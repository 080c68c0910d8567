// The tarball check: every publishable package, packed as it would be published, passes publint and
// arethetypeswrong and imports from ESM and CJS in a scratch project. Needs `pnpm build` first (npm test
// and CI build before testing).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  attwProblems,
  installAndImport,
  pack,
  publintProblems,
  publishablePackages,
  readPackageInfo,
  repoRoot,
} from './pack/check-package.ts';

const packages = publishablePackages();
const outDir = mkdtempSync(join(tmpdir(), 'llmf-packs-'));

describe('packed packages', () => {
  test('every publishable package is built', () => {
    const unbuilt = packages.filter((p) => !existsSync(join(p.dir, 'dist')));
    expect(
      unbuilt.map((p) => p.name),
      'run `pnpm build` first',
    ).toEqual([]);
  });

  const tarballs = new Map<string, string>();
  for (const pkg of packages) {
    test(`${pkg.name}: publint and arethetypeswrong find no problems in the tarball`, () => {
      const tarball = pack(pkg.dir, outDir);
      tarballs.set(pkg.name, tarball);
      expect([...publintProblems(tarball), ...attwProblems(tarball)]).toEqual([]);
    }, 120_000);
  }

  test('the tarballs install into a scratch project and import from ESM and CJS', () => {
    expect(tarballs.size).toBe(packages.length);
    expect(installAndImport([...tarballs.values()], packages)).toEqual([]);
  }, 300_000);
});

describe('the checker itself', () => {
  test('catches an exports entry that points at a file missing from the tarball', () => {
    const broken = readPackageInfo(join(repoRoot, 'tests', 'fixtures', 'broken-exports'));
    const tarball = pack(broken.dir, mkdtempSync(join(tmpdir(), 'llmf-broken-')));
    const lint = [...publintProblems(tarball), ...attwProblems(tarball)];
    expect(lint.join('\n')).toMatch(/missing\.cjs|does not exist|NoResolution|Resolution/);
    const imports = installAndImport([tarball], [broken]);
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatch(/^CJS require of @llmf-fixture\/broken-exports failed/);
  }, 120_000);
});
