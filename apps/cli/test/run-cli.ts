// Run the built `llmf` as a subprocess and collect what it printed.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const defaultModelDir = fileURLToPath(new URL('../models/default/', import.meta.url));
export const fixturesDir = fileURLToPath(new URL('../../../fixtures/models/', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is a pipe, never a TTY, in these tests). */
  input?: string;
  env?: Record<string, string | undefined>;
  /** Called with the child once it prints `waitFor` on stdout (e.g. to send SIGINT mid-generation). */
  onStdout?(text: string, child: ReturnType<typeof spawn>): void;
}

/** `llmf ...args`, with NO_COLOR and FORCE_COLOR cleared unless `env` sets them. */
export function runCli(args: string[], o: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    ...o.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [binPath, ...args], { env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    o.onStdout?.(stdout, child);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {});
  child.stdin.end(o.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
