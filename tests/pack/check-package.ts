// Checks a package the way a consumer meets it: pack it into a tarball, lint the tarball with publint
// (strict) and @arethetypeswrong/cli, then install the tarballs into a scratch project and import every
// entry point from ESM (`import`) and CJS (`require`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

export interface PackageInfo {
  name: string;
  dir: string;
  /** Subpaths of the exports map that are modules ('.', './testing', …), not './package.json'. */
  entries: string[];
  /** Peer dependencies outside the workspace (name → range), optional ones included. */
  peers: Record<string, string>;
}

/** Every publishable (non-private) package of the workspace. */
export function publishablePackages(): PackageInfo[] {
  const found: PackageInfo[] = [];
  for (const group of ['packages', 'apps']) {
    const base = join(repoRoot, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const dir = join(base, entry);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (manifest.private) continue;
      found.push(readPackageInfo(dir));
    }
  }
  return found;
}

export function readPackageInfo(dir: string): PackageInfo {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const exportsMap = manifest.exports ?? {};
  const entries = Object.keys(exportsMap).filter(
    (k) => k === '.' || (k.startsWith('./') && !k.endsWith('.json')),
  );
  const peers = Object.fromEntries(
    Object.entries((manifest.peerDependencies ?? {}) as Record<string, string>).filter(
      ([name]) => !name.startsWith('@llmf/'),
    ),
  );
  return { name: manifest.name, dir, entries, peers };
}

/** `pnpm pack` into outDir; returns the tarball path. workspace: ranges become real versions. */
export function pack(dir: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const before = new Set(readdirSync(outDir));
  execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, stdio: 'pipe' });
  const created = readdirSync(outDir).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) throw new Error(`pnpm pack in ${dir} produced ${created.length} tarballs`);
  return join(outDir, created[0]!);
}

/** publint --strict on the tarball: every error and warning is a problem. */
export function publintProblems(tarball: string): string[] {
  const result = spawnSync(bin('publint'), ['run', '--strict', tarball], { encoding: 'utf8' });
  if (result.status === 0) return [];
  return [`publint: ${(result.stdout + result.stderr).trim()}`];
}

/**
 * @arethetypeswrong/cli on the tarball. Profile node16: resolution for Node's ESM and CJS and bundlers;
 * the legacy node10 resolution cannot see subpath exports at all, so it is not checked.
 */
export function attwProblems(tarball: string): string[] {
  const result = spawnSync(bin('attw'), [tarball, '--profile', 'node16', '--format', 'json'], {
    encoding: 'utf8',
  });
  let report: { problems?: Record<string, unknown[]> };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return [`attw: could not analyse ${tarball}: ${(result.stdout + result.stderr).trim().slice(0, 500)}`];
  }
  // The JSON report lists problems for every resolution mode, whatever the profile: drop node10's.
  const problems = Object.entries(report.problems ?? {})
    .map(
      ([kind, list]) =>
        [kind, list.filter((p) => (p as { resolutionKind?: string }).resolutionKind !== 'node10')] as const,
    )
    .filter(([, list]) => list.length > 0);
  return problems.map(([kind, list]) => `attw: ${kind}: ${JSON.stringify(list)}`);
}

/**
 * Install the tarballs into a fresh scratch project with npm (as a consumer would) and import each
 * entry point with both `import` and `require`. Optional peer dependencies (fast-check for
 * `@llmf/tensor/testing`) are installed too, as a consumer of those entry points must. Returns the
 * problems found.
 */
export function installAndImport(tarballs: string[], packages: PackageInfo[]): string[] {
  const scratch = mkdtempSync(join(tmpdir(), 'llmf-consumer-'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const peers = packages.flatMap((p) => Object.entries(p.peers).map(([name, range]) => `${name}@${range}`));
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', ...tarballs, ...peers],
    { cwd: scratch, encoding: 'utf8' },
  );
  if (install.status !== 0) return [`npm install of the tarballs failed: ${install.stderr.slice(-2000)}`];
  const problems: string[] = [];
  for (const pkg of packages) {
    for (const entry of pkg.entries) {
      const specifier = entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`;
      const esm = `import * as m from '${specifier}'; if (Object.keys(m).length === 0) throw new Error('no exports');`;
      const cjs = `const m = require('${specifier}'); if (Object.keys(m).length === 0) throw new Error('no exports');`;
      for (const [kind, args] of [
        ['ESM import', ['--input-type=module', '-e', esm]],
        ['CJS require', ['--input-type=commonjs', '-e', cjs]],
      ] as const) {
        const run = spawnSync(process.execPath, args, { cwd: scratch, encoding: 'utf8' });
        if (run.status !== 0) {
          problems.push(
            `${kind} of ${specifier} failed: ${run.stderr.trim().split('\n').slice(0, 6).join(' | ')}`,
          );
        }
      }
    }
  }
  return problems;
}
