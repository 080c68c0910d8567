// The CLI's two failure kinds and their exit codes:
//   2 — usage: the command line itself is wrong (unknown flag, out-of-range option, missing argument);
//   1 — runtime: the command was well formed but could not be carried out (missing model, corrupt file,
//       network failure, a prompt longer than the context).
// Every failure prints one line on stderr; `--debug` adds the stack.

/** Exit codes of `llmf`. 130 is the shell convention for a run stopped by Ctrl-C (128 + SIGINT). */
export const exitCode = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

/** The command line is malformed: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A well-formed command failed: exit code 1. The message says what was wrong and what to do. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
