#!/usr/bin/env node
// The README's two quick-start commands, runnable on a fresh machine with only Node.js ≥ 20 and npm:
//   npm start   → installs the workspace, builds the CLI, generates text with the default model
//   npm test    → installs, builds, lints, typechecks, runs every test; ends with "N passed, N failed"
// pnpm is bootstrapped into .tools/ (pinned by package.json "packageManager") when it is not on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');

function log(message) {
  process.stderr.write(`\x1b[2m[llmf] ${message}\x1b[0m\n`);
}

/** Run a command, inheriting stdio; returns its exit status. */
function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    log(`failed (exit ${status}): ${cmd} ${args.join(' ')}`);
    process.exit(status);
  }
}

/**
 * The pnpm to use: one on PATH at the pinned version, else a local copy in .tools/, which is then put
 * first on PATH (turbo looks for the package manager there to run package scripts).
 */
function findPnpm() {
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() === pnpmVersion) return 'pnpm';
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local)) {
    log(`installing pnpm@${pnpmVersion} into .tools/`);
    mkdirSync(join(root, '.tools'), { recursive: true });
    must('npm', [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      '.tools',
      `pnpm@${pnpmVersion}`,
    ]);
  }
  process.env.PATH = `${dirname(local)}${delimiter}${process.env.PATH ?? ''}`;
  return local;
}

function install(pnpm) {
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  must(pnpm, ['install', ...frozen]);
}

function start(pnpm, args) {
  install(pnpm);
  must(pnpm, ['turbo', 'run', 'build', '--filter', '@llmf/cli...', '--output-logs=errors-only']);
  const prompt = args.length > 0 ? args : ['generate', 'And the king said', '--max-tokens', '40', '--stats'];
  process.exit(run(process.execPath, [join(root, 'apps/cli/dist/bin.js'), ...prompt]));
}

/** Chromium from Debian for the browser tests, when this machine can install it (root + apt-get). */
function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt) {
    log(
      'Chromium is not installed at /usr/bin/chromium: the browser tests will fail. Install it with `apt-get install -y chromium`.',
    );
    return;
  }
  log('installing Chromium from Debian for the browser tests');
  run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null',
  ]);
}

function test(pnpm, args) {
  install(pnpm);
  ensureChromium();
  let failedSteps = [];
  for (const task of ['build', 'typecheck', 'lint']) {
    if (run(pnpm, ['turbo', 'run', task, '--output-logs=errors-only']) !== 0) failedSteps.push(task);
  }
  if (run(pnpm, ['run', '--silent', 'lint:root']) !== 0) failedSteps.push('lint');
  if (failedSteps.includes('build')) {
    log('build failed; the tests need the built packages');
  }
  const report = join(root, '.vitest-report.json');
  rmSync(report, { force: true });
  const status = run(pnpm, [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args,
  ]);
  if (status !== 0) failedSteps.push('vitest');
  let passed = 0;
  let failed = 0;
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed = result.numPassedTests;
    failed = result.numFailedTests;
    // A test file that fails to load counts as one failed test.
    for (const file of result.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
    }
  } else {
    failed += 1;
  }
  failedSteps = [...new Set(failedSteps)];
  if (failedSteps.length > 0) log(`failed steps: ${failedSteps.join(', ')}`);
  // For steps outside vitest (build, typecheck, lint), each failed step counts as one failed check.
  const stepFailures = failedSteps.filter((s) => s !== 'vitest').length;
  console.log(`${passed} passed, ${failed + stepFailures} failed`);
  process.exit(failedSteps.length > 0 || failed > 0 ? 1 : 0);
}

const [command = 'test', ...rest] = process.argv.slice(2);
const pnpm = findPnpm();
if (command === 'start') start(pnpm, rest);
else if (command === 'test') test(pnpm, rest);
else {
  log(`unknown command ${command}; use start or test`);
  process.exit(2);
}
