// What a command runs with: its streams, environment and output styles. Commands write results to stdout
// and everything else (progress, stats, notes, errors) to stderr, so `llmf ... > file` keeps only results.

import type { CommandSpec, ParsedArgs } from './args';
import type { OutStream, Styles } from './terminal';

export interface Context {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** Styles for stdout and stderr (each off unless that stream is a colour terminal). */
  out: Styles;
  err: Styles;
  verbose: boolean;
  /** Registers a Ctrl-C handler for the duration of `work`; see main.ts. */
  onInterrupt(handler: () => void): () => void;
}

/** One `llmf` subcommand. `run` returns the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, ctx: Context): Promise<number>;
}

/** Write one line to stderr. */
export function note(ctx: Context, message: string): void {
  ctx.stderr.write(`${message}\n`);
}
