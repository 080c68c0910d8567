// `llmf tokenize TEXT|-`: show how text splits into tokens: the pieces, their ids, the count.

import type { CommandSpec, ParsedArgs } from '../args';
import type { Command, Context } from '../context';
import { CliError, exitCode } from '../errors';
import { resolveModel } from '../model';
import { readModelTokenizer } from '../model-files';
import type { TokenizerLike } from '../runtime';
import { readPrompt } from './generate';

const encodings = ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'] as const;

const spec: CommandSpec = {
  name: 'tokenize',
  summary: 'Split text into tokens and show each piece with its id.',
  usage: 'tokenize TEXT|- [options]',
  description:
    "Uses a named tiktoken encoding (--encoding) or a model folder's tokenizer (--model; default: the\n" +
    'embedded default model). On a colour terminal the pieces are shaded alternately; elsewhere each piece\n' +
    'is shown in [brackets]. Newlines and tabs in pieces are shown as \\n and \\t.',
  positionals: { min: 0, max: 1, name: 'TEXT' },
  options: [
    {
      name: 'encoding',
      short: 'e',
      type: 'string',
      value: 'NAME',
      choices: encodings,
      description: 'A tiktoken encoding.',
    },
    {
      name: 'model',
      short: 'm',
      type: 'string',
      value: 'DIR|REPO',
      description: 'A model folder (its tokenizer.json) or a pulled repo id.',
    },
    {
      name: 'json',
      type: 'boolean',
      description: 'Print {"tokens":[{"id","piece"}],"ids","count"} as JSON.',
    },
  ],
  examples: [
    'llmf tokenize "The cat sat on"',
    'llmf tokenize "strawberry" --encoding cl100k_base',
    'cat notes.txt | llmf tokenize - --encoding o200k_base --json',
  ],
};

/** Load the tokenizer named by --encoding or --model. */
async function loadTokenizer(
  args: ParsedArgs,
  ctx: Context,
): Promise<{ tokenizer: TokenizerLike; name: string }> {
  const { getEncoding } = await import('@llmf/tokenizer');
  const encoding = args.options.encoding as string | undefined;
  if (encoding !== undefined) {
    if (args.options.model !== undefined) throw new CliError('give --encoding or --model, not both');
    return { tokenizer: await getEncoding(encoding as (typeof encodings)[number]), name: encoding };
  }
  const model = resolveModel(args.options.model as string | undefined, ctx.env, 'tokenizer');
  return { tokenizer: await readModelTokenizer(model.dir, model.label), name: model.label };
}

/** Make whitespace that would be invisible or break the line visible. */
export function showPiece(piece: string): string {
  return piece
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const text = await readPrompt(args, ctx, 'TEXT');
  const { tokenizer, name } = await loadTokenizer(args, ctx);
  const ids = tokenizer.encode(text, { allowedSpecial: 'all' });
  // tokenize() gives display pieces that keep multi-byte characters whole when they map one-to-one onto the
  // ids; otherwise decode each id (a piece holding part of a UTF-8 character then shows as U+FFFD).
  const display = tokenizer.tokenize(text);
  const pieces = display.length === ids.length ? display : ids.map((id) => tokenizer.decode([id]));
  if (args.options.json === true) {
    const tokens = ids.map((id, i) => ({ id, piece: pieces[i] }));
    ctx.stdout.write(`${JSON.stringify({ tokenizer: name, tokens, ids, count: ids.length })}\n`);
    return exitCode.ok;
  }
  const s = ctx.out;
  const shown = s.enabled
    ? pieces.map((p, i) => s.piece(showPiece(p), i)).join('')
    : pieces.map((p) => `[${showPiece(p)}]`).join('');
  ctx.stdout.write(`${shown}\n`);
  ctx.stdout.write(`${JSON.stringify(ids)}\n`);
  ctx.stdout.write(`${ids.length} token${ids.length === 1 ? '' : 's'}\n`);
  return exitCode.ok;
}

export const tokenize: Command = { spec, run };
