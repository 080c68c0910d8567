// Command-line conventions: --help on every command, --version, exit codes.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const names = [
  'generate',
  'chat',
  'tokenize',
  'train-tokenizer',
  'train',
  'explain',
  'bench',
  'pull',
  'serve',
];

describe('help and version', () => {
  test('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  test('llmf --help lists every command; no command prints it to stderr with exit 2', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('Usage: llmf <command>');
  });

  test.each(names)(
    'llmf %s: --help, -h and `llmf help NAME` print usage, options and examples',
    async (name) => {
      const long = await runCli([name, '--help']);
      expect(long.code).toBe(0);
      expect(long.stdout).toMatch(new RegExp(`^Usage: llmf ${name}`));
      expect(long.stdout).toContain('Options:');
      expect(long.stdout).toContain('Examples:');
      expect((await runCli([name, '-h'])).stdout).toBe(long.stdout);
      expect((await runCli(['help', name])).stdout).toBe(long.stdout);
    },
  );
});
