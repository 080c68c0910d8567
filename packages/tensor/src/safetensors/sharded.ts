// Sharded checkpoints: model.safetensors.index.json maps every tensor to the shard file that holds it:
//   { "metadata": { "total_size": ... }, "weight_map": { "model.embed_tokens.weight": "model-00001-of-00002.safetensors", ... } }

import { LlmfError } from '../errors';
import type { Tensor } from '../tensor';
import { parseSafetensorsHeader } from './header';
import { readTensor } from './read';

/** The parsed index of a sharded checkpoint. */
export interface SafetensorsIndex {
  /** Tensor name → shard file name. */
  readonly weightMap: Readonly<Record<string, string>>;
  /** Shard file names in first-use order. */
  readonly files: readonly string[];
}

/** Parse and validate model.safetensors.index.json (text or parsed JSON). Throws LlmfError 'MODEL_FORMAT'. */
export function parseSafetensorsIndex(indexJson: string | object): SafetensorsIndex {
  const file = 'model.safetensors.index.json';
  let json: unknown = indexJson;
  if (typeof indexJson === 'string') {
    try {
      json = JSON.parse(indexJson);
    } catch (e) {
      throw new LlmfError('MODEL_FORMAT', `${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new LlmfError(
      'MODEL_FORMAT',
      `${file} has no "weight_map" object mapping tensor names to shard files`,
    );
  }
  const files: string[] = [];
  for (const [name, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '') {
      throw new LlmfError(
        'MODEL_FORMAT',
        `${file}: tensor "${name}" maps to ${JSON.stringify(shard)}, expected a shard file name`,
      );
    }
    if (!files.includes(shard)) files.push(shard);
  }
  return { weightMap: weightMap as Record<string, string>, files };
}

/**
 * Read a sharded checkpoint as f32 tensors. `readShard(file)` returns a shard's bytes (from disk, fetch,
 * a cache...); each shard is read once and its tensors converted before the next is requested.
 * Checks that every tensor of the index is in the shard it names and that no shard holds a tensor the
 * index does not list (a mismatched index and shards means a broken download).
 * @example
 * const weights = await readShardedSafetensors(indexText, (f) => readFile(join(dir, f)));
 */
export async function readShardedSafetensors(
  indexJson: string | object,
  readShard: (file: string) => Promise<Uint8Array>,
): Promise<Map<string, Tensor>> {
  const index = parseSafetensorsIndex(indexJson);
  const out = new Map<string, Tensor>();
  for (const shard of index.files) {
    const bytes = await readShard(shard);
    const header = parseSafetensorsHeader(bytes, { fileName: shard });
    const inShard = new Set<string>();
    for (const entry of header.entries) {
      inShard.add(entry.name);
      const listed = Object.hasOwn(index.weightMap, entry.name) ? index.weightMap[entry.name] : undefined;
      if (listed !== shard) {
        throw new LlmfError(
          'MODEL_FORMAT',
          `${shard}: holds tensor "${entry.name}" but model.safetensors.index.json ${
            listed === undefined ? 'does not list it' : `puts it in ${listed}`
          }`,
        );
      }
      out.set(entry.name, readTensor(bytes, entry));
    }
    for (const [name, file] of Object.entries(index.weightMap)) {
      if (file === shard && !inShard.has(name)) {
        throw new LlmfError(
          'MODEL_FORMAT',
          `${shard}: model.safetensors.index.json lists tensor "${name}" here but the shard does not hold it (incomplete download?)`,
        );
      }
    }
  }
  return out;
}
