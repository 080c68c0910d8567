// Reading a Hugging Face model folder piece by piece (for `explain` and `tokenize`, which need more than
// the LLM façade shows: the tokenizer alone, or the raw embedding tables).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '@llmf/tensor';
import { CliError } from './errors';
import type { TokenizerLike } from './runtime';

/** The tokenizer of a model folder: tokenizer.json, else vocab.json + merges.txt. */
export async function readModelTokenizer(dir: string, label: string): Promise<TokenizerLike> {
  const { Tokenizer } = await import('@llmf/tokenizer');
  if (existsSync(join(dir, 'tokenizer.json'))) {
    return Tokenizer.fromHuggingFace(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
  }
  if (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt'))) {
    return Tokenizer.fromVocabAndMerges(
      await readFile(join(dir, 'vocab.json'), 'utf8'),
      await readFile(join(dir, 'merges.txt'), 'utf8'),
    );
  }
  throw new CliError(`${label} has no tokenizer.json (nor vocab.json + merges.txt)`);
}

/** All tensors of a model folder (model.safetensors, or the shards of model.safetensors.index.json), as f32. */
export async function readModelTensors(dir: string, label: string): Promise<Map<string, Tensor>> {
  const { readSafetensors, readShardedSafetensors } = await import('@llmf/tensor');
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    return readShardedSafetensors(await readFile(index, 'utf8'), (file) => readFile(join(dir, file)));
  }
  const single = join(dir, 'model.safetensors');
  if (!existsSync(single))
    throw new CliError(`${label} has no model.safetensors (nor model.safetensors.index.json)`);
  return readSafetensors(await readFile(single));
}
