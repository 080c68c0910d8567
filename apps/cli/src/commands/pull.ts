// `llmf pull REPO`: download a Hugging Face model repo into the cache, resumable and verified.

import type { CommandSpec, ParsedArgs } from '../args';
import { type Command, type Context, note } from '../context';
import { exitCode } from '../errors';
import { parseRepoRef } from '../hub/cache';
import { pullModel } from '../hub/pull';
import { formatBytes, ProgressBar } from '../progress';

const spec: CommandSpec = {
  name: 'pull',
  summary: 'Download a model from the Hugging Face hub into the local cache.',
  usage: 'pull REPO[@REVISION] [options]',
  description:
    'Fetches config.json, the tokenizer files, tokenizer_config.json and every safetensors shard from\n' +
    '$HF_ENDPOINT (default https://huggingface.co) into $LLMF_CACHE (default $XDG_CACHE_HOME/llmf or\n' +
    '~/.cache/llmf). An interrupted download resumes where it stopped; sizes and LFS sha256 checksums are\n' +
    'verified before a file gets its final name. Set HF_TOKEN for gated or private repos.\n' +
    'Afterwards, `--model REPO` loads the pulled copy.',
  positionals: { min: 1, max: 1, name: 'REPO (owner/name)' },
  options: [
    {
      name: 'revision',
      short: 'r',
      type: 'string',
      value: 'REV',
      description: 'Branch, tag or commit.',
      defaultText: 'main',
    },
    { name: 'force', type: 'boolean', description: 'Download again even if the files are cached.' },
    { name: 'json', type: 'boolean', description: 'Print {"dir", "files"} as JSON when done.' },
  ],
  examples: ['llmf pull openai-community/gpt2', 'llmf generate "Hello" --model openai-community/gpt2'],
};

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const ref = parseRepoRef(args.positionals[0]!, args.options.revision as string | undefined);
  const abort = new AbortController();
  const release = ctx.onInterrupt(() => abort.abort());
  const bar = new ProgressBar(ctx.stderr, '', undefined, { bytes: true });
  try {
    const result = await pullModel(ref, {
      env: ctx.env,
      force: args.options.force === true,
      signal: abort.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.file),
      onFile: (f) => {
        bar.done();
        if (ctx.verbose || ctx.stderr.isTTY) {
          const how = f.cached
            ? 'cached'
            : `${formatBytes(f.bytes)}${f.resumed ? ', resumed' : ''}${f.sha256 ? ', sha256 ok' : ''}`;
          note(ctx, `${ctx.err.green('✓')} ${f.file} ${ctx.err.dim(`(${how})`)}`);
        }
      },
    });
    if (args.options.json === true) {
      ctx.stdout.write(
        `${JSON.stringify({ repo: ref.repo, revision: ref.revision, dir: result.dir, files: result.files })}\n`,
      );
    } else {
      ctx.stdout.write(`${result.dir}\n`);
    }
    return exitCode.ok;
  } catch (error) {
    if (abort.signal.aborted) {
      bar.done();
      note(ctx, 'interrupted; run the same command again to resume');
      return exitCode.interrupted;
    }
    throw error;
  } finally {
    bar.done();
    release();
  }
}

export const pull: Command = { spec, run };
