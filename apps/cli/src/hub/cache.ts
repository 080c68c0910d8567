// Where pulled models live. `LLMF_CACHE` wins; else `$XDG_CACHE_HOME/llmf`; else `~/.cache/llmf`.
// A repo `owner/name` at revision `rev` is stored in `<cache>/hub/owner/name/<rev>/` as a plain
// Hugging Face folder (config.json, tokenizer.json, *.safetensors), so `--model` can load it directly.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors';

/** The cache root for `env`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LLMF_CACHE) return env.LLMF_CACHE;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'llmf');
  return join(homedir(), '.cache', 'llmf');
}

/** A parsed hub reference `owner/name[@revision]`. */
export interface RepoRef {
  repo: string;
  revision: string;
}

const repoPattern = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** True if `text` has the shape of a hub id (`owner/name` or `owner/name@rev`). */
export function looksLikeRepoId(text: string): boolean {
  const at = text.indexOf('@');
  const repo = at === -1 ? text : text.slice(0, at);
  return repoPattern.test(repo) && !repo.includes('..');
}

/** Parse `owner/name[@revision]`; `revision` overrides an `@rev` suffix when given. */
export function parseRepoRef(text: string, revision?: string): RepoRef {
  const at = text.indexOf('@');
  const repo = at === -1 ? text : text.slice(0, at);
  if (!looksLikeRepoId(text)) {
    throw new UsageError(
      `'${text}' is not a Hugging Face repo id; expected owner/name (e.g. openai-community/gpt2)`,
    );
  }
  const rev = revision ?? (at === -1 ? 'main' : text.slice(at + 1));
  if (rev === '' || rev.includes('..') || rev.startsWith('/'))
    throw new UsageError(`invalid revision '${rev}'`);
  return { repo, revision: rev };
}

/** The folder a pulled repo is stored in. */
export function repoDir(ref: RepoRef, env: NodeJS.ProcessEnv = process.env): string {
  const [owner, name] = ref.repo.split('/') as [string, string];
  return join(cacheRoot(env), 'hub', owner, name, ref.revision.replaceAll('/', '--'));
}
