// The option parser: types, ranges, repeatable options, positionals, and the errors it gives.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { type CommandSpec, formatHelp, parseCommandLine } from '../src/args';
import { UsageError } from '../src/errors';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  usage: 'demo [TEXT]',
  positionals: { min: 0, max: 1, name: 'TEXT' },
  options: [
    { name: 'max-tokens', short: 'n', type: 'integer', min: 1, description: 'n' },
    { name: 'temperature', type: 'number', min: 0, description: 't' },
    { name: 'top-p', type: 'number', above: 0, max: 1, description: 'p' },
    { name: 'stop', type: 'string', multiple: true, description: 's' },
    { name: 'backend', type: 'string', choices: ['wasm', 'js'], description: 'b' },
    { name: 'json', type: 'boolean', description: 'j' },
  ],
  examples: ['llmf demo hi'],
};

const parse = (...argv: string[]) => parseCommandLine(spec, argv);
const usage = (argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  test('long, short, = and space forms; camelCase keys; repeatable options collect', () => {
    const r = parse(
      'hello',
      '-n',
      '5',
      '--temperature=0.5',
      '--stop',
      'a',
      '--stop=b',
      '--json',
      '--backend',
      'js',
    );
    expect(r.positionals).toEqual(['hello']);
    expect(r.options).toEqual({
      maxTokens: 5,
      temperature: 0.5,
      stop: ['a', 'b'],
      json: true,
      backend: 'js',
    });
  });

  test('`-` is a positional (stdin) and `--` ends the options', () => {
    expect(parse('-').positionals).toEqual(['-']);
    expect(parse('--', '--json').positionals).toEqual(['--json']);
    expect(parse('--', '--json').options).toEqual({});
  });

  test('out-of-range and malformed values are usage errors that name the flag and the range', () => {
    expect(usage(['--temperature', '-1'])).toBe('--temperature must be ≥ 0 (got -1)');
    expect(usage(['--top-p', '2'])).toBe('--top-p must be > 0 and ≤ 1 (got 2)');
    expect(usage(['--top-p', '0'])).toBe('--top-p must be > 0 and ≤ 1 (got 0)');
    expect(usage(['-n', '1.5'])).toBe("--max-tokens expects a whole number (got '1.5')");
    expect(usage(['-n', 'ten'])).toBe("--max-tokens expects a number (got 'ten')");
    expect(usage(['--backend', 'gpu'])).toBe("--backend must be one of wasm, js (got 'gpu')");
    expect(usage(['--frob'])).toBe("unknown option '--frob' for 'llmf demo'");
    expect(usage(['--max-tokens'])).toBe('--max-tokens needs a value');
    expect(usage(['--max-tokens', '--json'])).toBe('--max-tokens needs a value');
    expect(usage(['--json=yes'])).toBe('--json takes no value');
    expect(usage(['a', 'b'])).toMatch(/^too many arguments \(unexpected 'b'\)/);
  });

  test('--help wins over everything else on the line', () => {
    expect(parse('--frob', '--temperature', '-1', '--help').options).toEqual({ help: true });
  });

  fcTest.prop([fc.double({ min: 0, max: 1e6, noNaN: true })], { numRuns: 100 })(
    'any non-negative temperature round-trips through its text form',
    (t) => {
      expect(parse('--temperature', String(t)).options.temperature).toBe(t);
    },
  );

  fcTest.prop([fc.double({ noNaN: true, max: -Number.MIN_VALUE }).filter((x) => x < 0)], { numRuns: 100 })(
    'any negative temperature is refused',
    (t) => {
      expect(() => parse('--temperature', String(t))).toThrow(UsageError);
    },
  );

  test('the help text lists every option, the global ones and the examples', () => {
    const help = formatHelp(spec);
    for (const flag of ['--max-tokens', '-n,', '--top-p', '--stop', '--help', '--verbose', '--debug']) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('Repeatable.');
    expect(help).toContain('One of: wasm, js.');
    expect(help).toContain('  llmf demo hi');
  });
});
