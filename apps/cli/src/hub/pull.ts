// `llmf pull owner/name`: fetch what loadModel needs from a Hugging Face model repo into the cache.
//   https://huggingface.co/{repo}/resolve/{revision}/{file}   (base overridable with HF_ENDPOINT)
// Files: config.json; tokenizer.json (else vocab.json + merges.txt); tokenizer_config.json when present;
// the weights: every shard named in model.safetensors.index.json, else model.safetensors.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors';
import { type RepoRef, repoDir } from './cache';
import { type DownloadProgress, downloadFile, NotFoundError } from './download';

export interface PullOptions {
  env?: NodeJS.ProcessEnv;
  /** Download again even when a file is already complete in the cache. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?(p: DownloadProgress): void;
  /** Called once per file when it is complete (or found complete in the cache). */
  onFile?(f: { file: string; bytes: number; cached: boolean; resumed: boolean; sha256?: string }): void;
}

export interface PullResult {
  dir: string;
  files: string[];
}

/** The base URL of the hub: HF_ENDPOINT, as huggingface_hub reads it, else https://huggingface.co. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}` with each path segment escaped. */
export function resolveUrl(endpoint: string, ref: RepoRef, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${path}`;
}

/** Download a model repo into the cache; returns the folder to load. */
export async function pullModel(ref: RepoRef, o: PullOptions = {}): Promise<PullResult> {
  const env = o.env ?? process.env;
  const endpoint = hubEndpoint(env);
  const dir = repoDir(ref, env);
  const token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const files: string[] = [];

  /** Fetch one file; returns false if the server has no such file. */
  const fetchFile = async (file: string): Promise<boolean> => {
    const dest = join(dir, file);
    if (!o.force && existsSync(dest)) {
      files.push(file);
      o.onFile?.({ file, bytes: 0, cached: true, resumed: false });
      return true;
    }
    try {
      const result = await downloadFile(resolveUrl(endpoint, ref, file), dest, {
        headers,
        signal: o.signal,
        onProgress: o.onProgress,
      });
      files.push(file);
      o.onFile?.({
        file,
        bytes: result.bytes,
        cached: false,
        resumed: result.resumed,
        sha256: result.sha256,
      });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  };

  if (!(await fetchFile('config.json'))) {
    throw new CliError(
      `${ref.repo}@${ref.revision} has no config.json at ${endpoint}: check the repo id and revision`,
    );
  }
  if (!(await fetchFile('tokenizer.json'))) {
    const vocab = await fetchFile('vocab.json');
    const merges = vocab && (await fetchFile('merges.txt'));
    if (!merges) throw new CliError(`${ref.repo} has no tokenizer.json (nor vocab.json + merges.txt)`);
  }
  await fetchFile('tokenizer_config.json');
  if (await fetchFile('model.safetensors.index.json')) {
    const index = await readIndex(join(dir, 'model.safetensors.index.json'));
    for (const shard of index) {
      if (!(await fetchFile(shard))) throw new CliError(`${ref.repo}: shard ${shard} is listed but missing`);
    }
  } else if (!(await fetchFile('model.safetensors'))) {
    throw new CliError(
      `${ref.repo} has no model.safetensors (nor model.safetensors.index.json); llmf loads safetensors only`,
    );
  }
  return { dir, files };
}

/** The distinct shard file names of a safetensors index, in first-seen order. */
async function readIndex(path: string): Promise<string[]> {
  let index: { weight_map?: Record<string, string> };
  try {
    index = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError(`model.safetensors.index.json is not valid JSON: ${(error as Error).message}`);
  }
  const shards = [...new Set(Object.values(index.weight_map ?? {}))];
  if (shards.length === 0) throw new CliError('model.safetensors.index.json has an empty weight_map');
  for (const shard of shards) {
    if (shard.includes('..') || shard.startsWith('/')) throw new CliError(`invalid shard name '${shard}'`);
  }
  return shards;
}
