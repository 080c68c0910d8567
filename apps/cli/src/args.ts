// Command-line parsing: a small declarative parser, so that every option is validated (type and range)
// before any work starts and every command gets the same `--help` layout. Conventions (POSIX / GNU):
//   --name value, --name=value, -x value, -x (booleans), `--` ends the options, `-` is a positional (stdin).
// Numeric options accept negative values after a space (`--temperature -1`), so range errors are reported
// as range errors instead of "missing value".

import { UsageError } from './errors';

export type OptionType = 'boolean' | 'string' | 'number' | 'integer';

/** One `--option` of a command. */
export interface OptionSpec {
  /** Long name without the dashes, kebab-case: 'max-tokens' (parsed into `maxTokens`). */
  name: string;
  /** One-letter alias: 'h' for -h. */
  short?: string;
  type: OptionType;
  /** May be given several times; the parsed value is an array. */
  multiple?: boolean;
  /** Placeholder shown in the help text: `--max-tokens N`. */
  value?: string;
  description: string;
  /** Inclusive lower bound (numbers). */
  min?: number;
  /** Lower bound that the value must exceed (numbers). */
  above?: number;
  /** Inclusive upper bound (numbers). */
  max?: number;
  /** The allowed values (strings). */
  choices?: readonly string[];
  /** Shown in the help text. */
  defaultText?: string;
}

/** A command's interface: its options, positionals and help text. */
export interface CommandSpec {
  name: string;
  /** One line, shown in `llmf --help`. */
  summary: string;
  /** Synopsis after `llmf`: 'generate [PROMPT|-] [options]'. */
  usage: string;
  /** Paragraphs shown under the synopsis. */
  description?: string;
  options: OptionSpec[];
  /** Minimum and maximum number of positional arguments. */
  positionals: { min: number; max: number; name: string };
  examples: string[];
}

export type OptionValue = boolean | string | number | string[] | number[];

export interface ParsedArgs {
  /** camelCase option name → value; options not given are absent. */
  options: Record<string, OptionValue | undefined>;
  positionals: string[];
}

/** Options every command accepts. */
export const globalOptions: OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help and exit.' },
  { name: 'verbose', short: 'v', type: 'boolean', description: 'Say more on stderr.' },
  { name: 'debug', type: 'boolean', description: 'Show stack traces of errors.' },
];

/** 'max-tokens' → 'maxTokens'. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function convert(spec: OptionSpec, raw: string): string | number {
  const flag = `--${spec.name}`;
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new UsageError(`${flag} must be one of ${spec.choices.join(', ')} (got '${raw}')`);
    }
    return raw;
  }
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} expects a number (got '${raw}')`);
  if (spec.type === 'integer' && !Number.isInteger(value)) {
    throw new UsageError(`${flag} expects a whole number (got '${raw}')`);
  }
  const range = describeRange(spec);
  const tooLow =
    (spec.min !== undefined && value < spec.min) || (spec.above !== undefined && value <= spec.above);
  const tooHigh = spec.max !== undefined && value > spec.max;
  if (tooLow || tooHigh) throw new UsageError(`${flag} must be ${range} (got ${raw})`);
  return value;
}

function describeRange(spec: OptionSpec): string {
  const low = spec.above !== undefined ? `> ${spec.above}` : spec.min !== undefined ? `≥ ${spec.min}` : '';
  const high = spec.max !== undefined ? `≤ ${spec.max}` : '';
  if (low && high) return `${low} and ${high}`;
  return low || high || 'a number';
}

/**
 * Parse `argv` (the words after the command name) against `spec` plus the global options.
 * Throws UsageError for an unknown option, a missing or malformed value, or a wrong positional count.
 * When `--help` is present, validation of the other words is skipped (so `--help` always works).
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const all = [...spec.options, ...globalOptions];
  const byLong = new Map(all.map((o) => [o.name, o]));
  const byShort = new Map(all.filter((o) => o.short).map((o) => [o.short!, o]));
  if (argv.includes('--help') || argv.includes('-h')) return { options: { help: true }, positionals: [] };

  const options: Record<string, OptionValue | undefined> = {};
  const positionals: string[] = [];
  const set = (o: OptionSpec, value: boolean | string | number) => {
    const key = camelCase(o.name);
    if (o.multiple) {
      const list = (options[key] as (string | number)[] | undefined) ?? [];
      options[key] = [...list, value as string | number] as OptionValue;
    } else {
      options[key] = value;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '-' || !word.startsWith('-')) {
      positionals.push(word);
      continue;
    }
    let o: OptionSpec | undefined;
    let inline: string | undefined;
    let shown = word;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
      inline = eq === -1 ? undefined : word.slice(eq + 1);
      shown = `--${name}`;
      o = byLong.get(name);
    } else if (word.length === 2) {
      o = byShort.get(word[1]!);
    } else if (/^-\d/.test(word)) {
      // A negative number where an option was expected: treat as a positional (e.g. a prompt "-5").
      positionals.push(word);
      continue;
    }
    if (!o) throw new UsageError(`unknown option '${shown}' for 'llmf ${spec.name}'`);
    if (o.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${o.name} takes no value`);
      set(o, true);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      const looksLikeOption = next?.startsWith('-') === true && !/^-[\d.]/.test(next ?? '');
      if (next === undefined || (looksLikeOption && next !== '-')) {
        throw new UsageError(`--${o.name} needs a value${o.value ? ` (${o.value})` : ''}`);
      }
      raw = next;
      i++;
    }
    set(o, convert(o, raw));
  }

  const { min, max, name } = spec.positionals;
  if (positionals.length < min) throw new UsageError(`missing ${name}`);
  if (positionals.length > max) {
    const extra = positionals[max]!;
    throw new UsageError(
      max === 0
        ? `'llmf ${spec.name}' takes no arguments (got '${extra}')`
        : `too many arguments (unexpected '${extra}'); quote a prompt that has spaces`,
    );
  }
  return { options, positionals };
}

/** The `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`Usage: llmf ${spec.usage}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'Options:');
  const rows = [...spec.options, ...globalOptions].map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
    let text = o.description;
    if (o.choices) text += ` One of: ${o.choices.join(', ')}.`;
    if (o.defaultText) text += ` Default: ${o.defaultText}.`;
    if (o.multiple) text += ' Repeatable.';
    return [flag, text] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join('\n')}\n`;
}
