// `llmf`: dispatch to a subcommand, turn every failure into one line on stderr and an exit code
// (0 ok, 1 runtime failure, 2 usage, 130 interrupted), and show stacks only with --debug.

import { type CommandSpec, formatHelp, parseCommandLine } from './args';
import { bench } from './commands/bench';
import { chat } from './commands/chat';
import { explain } from './commands/explain';
import { generate } from './commands/generate';
import { pull } from './commands/pull';
import { serve } from './commands/serve';
import { tokenize } from './commands/tokenize';
import { trainCommand } from './commands/train';
import { trainTokenizer } from './commands/train-tokenizer';
import type { Command, Context } from './context';
import { exitCode, UsageError } from './errors';
import { type OutStream, shouldColor, styles } from './terminal';
import { cliVersion } from './version';

/** Every subcommand, in the order `llmf --help` lists them. */
export const commands: Command[] = [
  generate,
  chat,
  serve,
  tokenize,
  trainTokenizer,
  trainCommand,
  explain,
  bench,
  pull,
];

/** The streams and environment `main` runs with (the process's, unless a test passes others). */
export interface MainIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2;
  const lines = [
    `llmf ${cliVersion()}: an LLM built from its fundamentals, on the command line.`,
    '',
    'Usage: llmf <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help (also: llmf <command> --help)',
    '  -V, --version  Print the version',
    '',
    'Without --model, commands use the embedded default model. Colour only on a terminal, never with NO_COLOR.',
    'Exit codes: 0 ok, 1 failure, 2 bad usage, 130 interrupted (Ctrl-C).',
  ];
  return `${lines.join('\n')}\n`;
}

/** The message of an error (ours, a library's LlmfError, or Node's), without the stack. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Run `llmf` with `argv` (the words after `llmf`); resolves to the exit code. */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const debug = argv.includes('--debug');
  const errStyles = styles(shouldColor(io.stderr, io.env));
  const fail = (prefix: string, error: unknown, code: number) => {
    // one line, always: a library message that spans lines is joined
    const message = describe(error).replace(/\s*\n\s*/g, ' ');
    io.stderr.write(`${errStyles.red('llmf:')} ${prefix}${message}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return code;
  };

  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(topHelp());
    return exitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const target = rest[0] && commands.find((c) => c.spec.name === rest[0]);
    io.stdout.write(target ? formatHelp(target.spec) : topHelp());
    return exitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${cliVersion()}\n`);
    return exitCode.ok;
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) {
    const hint = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
    return fail('', new UsageError(`${hint}; run 'llmf --help' for the commands`), exitCode.usage);
  }
  const spec: CommandSpec = command.spec;
  let code: number;
  try {
    const args = parseCommandLine(spec, rest);
    if (args.options.help) {
      io.stdout.write(formatHelp(spec));
      return exitCode.ok;
    }
    const handlers = new Set<() => void>();
    const onSigint = () => {
      if (handlers.size === 0) process.exit(exitCode.interrupted);
      for (const handler of handlers) handler();
      // A second Ctrl-C while the command winds down ends the process at once.
      handlers.clear();
    };
    const ctx: Context = {
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin,
      env: io.env,
      out: styles(shouldColor(io.stdout, io.env)),
      err: errStyles,
      verbose: args.options.verbose === true,
      onInterrupt(handler) {
        if (handlers.size === 0) process.on('SIGINT', onSigint);
        handlers.add(handler);
        return () => {
          handlers.delete(handler);
          if (handlers.size === 0) process.off('SIGINT', onSigint);
        };
      },
    };
    code = await command.run(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      return fail('', new Error(`${error.message}; see 'llmf ${spec.name} --help'`), exitCode.usage);
    }
    // CliError, LlmfError from a library, or anything else: the command was well formed but failed
    return fail('', error, exitCode.runtime);
  }
  return code;
}
