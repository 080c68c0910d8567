// Which model `--model` names: a folder on disk, a hub id pulled earlier with `llmf pull`, or (without
// --model) the default model shipped inside this package. This file sits directly in src/ so that the
// same relative URL finds `models/default/` from src/ (tests) and from dist/ (the installed package).

import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors';
import { looksLikeRepoId, parseRepoRef, repoDir } from './hub/cache';

/** The folder of the embedded default model. */
export function defaultModelDir(): string {
  return fileURLToPath(new URL('../models/default/', import.meta.url));
}

/** A model folder and how to name it in messages. */
export interface ModelLocation {
  dir: string;
  label: string;
}

/**
 * Resolve `--model`: an existing directory, else a pulled hub id, else an error that says what to do.
 * The directory must hold a config.json (or, when only the tokenizer is needed, a tokenizer.json).
 */
export function resolveModel(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  needs: 'model' | 'tokenizer' = 'model',
): ModelLocation {
  if (option === undefined) return { dir: defaultModelDir(), label: 'default model' };
  let dir: string;
  if (existsSync(option)) {
    dir = resolve(option);
  } else if (looksLikeRepoId(option)) {
    dir = repoDir(parseRepoRef(option), env);
    if (!existsSync(dir)) {
      throw new CliError(
        `model '${option}' is neither a folder nor a pulled repo; run 'llmf pull ${option}' first`,
      );
    }
  } else {
    throw new CliError(`model folder '${option}' does not exist`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new CliError(`'${option}' is a file; --model expects a model folder (config.json + *.safetensors)`);
  }
  if (needs === 'tokenizer' && ['tokenizer.json', 'vocab.json'].some((f) => existsSync(join(dir, f)))) {
    return { dir, label: option };
  }
  if (!existsSync(join(dir, 'config.json'))) {
    throw new CliError(`'${option}' is not a model folder: it has no config.json`);
  }
  return { dir, label: option };
}
