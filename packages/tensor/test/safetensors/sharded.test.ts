import { describe, expect, test } from 'vitest';
import { LlmfError, readShardedSafetensors, tensor, writeSafetensors } from '../../src/index';

const shard1 = writeSafetensors({
  'model.embed_tokens.weight': tensor([
    [1, 2],
    [3, 4],
  ]),
  'model.norm.weight': tensor([1, 1]),
});
const shard2 = writeSafetensors(
  {
    'lm_head.weight': tensor([
      [5, 6],
      [7, 8],
    ]),
  },
  { dtype: 'BF16' },
);
const files: Record<string, Uint8Array> = {
  'model-00001-of-00002.safetensors': shard1,
  'model-00002-of-00002.safetensors': shard2,
};
const index = {
  metadata: { total_size: 40 },
  weight_map: {
    'lm_head.weight': 'model-00002-of-00002.safetensors',
    'model.embed_tokens.weight': 'model-00001-of-00002.safetensors',
    'model.norm.weight': 'model-00001-of-00002.safetensors',
  },
};

async function readShard(file: string): Promise<Uint8Array> {
  const bytes = files[file];
  if (bytes === undefined) throw new Error(`no such file ${file}`);
  return bytes;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(LlmfError.isInstance(e)).toBe(true);
    expect((e as LlmfError).code).toBe('MODEL_FORMAT');
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('readShardedSafetensors', () => {
  test('reads every tensor from the shard the index names (text or object index), each shard once', async () => {
    const requested: string[] = [];
    const tensors = await readShardedSafetensors(JSON.stringify(index), (f) => {
      requested.push(f);
      return readShard(f);
    });
    expect(requested).toEqual(['model-00002-of-00002.safetensors', 'model-00001-of-00002.safetensors']);
    expect([...tensors.keys()].sort()).toEqual(Object.keys(index.weight_map).sort());
    expect([...(tensors.get('lm_head.weight')?.data ?? [])]).toEqual([5, 6, 7, 8]);
    expect(tensors.get('model.embed_tokens.weight')?.shape).toEqual([2, 2]);
    const fromObject = await readShardedSafetensors(index, readShard);
    expect(fromObject.get('model.norm.weight')?.data).toEqual(new Float32Array([1, 1]));
  });

  test('an index that lists a tensor the shard does not hold', async () => {
    const broken = { weight_map: { ...index.weight_map, 'model.extra': 'model-00002-of-00002.safetensors' } };
    expect((await failure(readShardedSafetensors(broken, readShard))).message).toMatch(
      /model-00002-of-00002\.safetensors: .*lists tensor "model\.extra" here but the shard does not hold it/,
    );
  });

  test('a shard holding a tensor the index puts elsewhere or does not list', async () => {
    const moved = {
      weight_map: { ...index.weight_map, 'model.norm.weight': 'model-00002-of-00002.safetensors' },
    };
    expect((await failure(readShardedSafetensors(moved, readShard))).message).toMatch(
      /holds tensor "lm_head\.weight"|puts it in|does not hold/,
    );
    const missing = {
      weight_map: {
        'lm_head.weight': 'model-00002-of-00002.safetensors',
        'model.norm.weight': 'model-00001-of-00002.safetensors',
      },
    };
    expect((await failure(readShardedSafetensors(missing, readShard))).message).toMatch(
      /model-00001-of-00002\.safetensors: holds tensor "model\.embed_tokens\.weight" but model\.safetensors\.index\.json does not list it/,
    );
  });

  test('a shard tensor named like an Object.prototype key is not "listed" by the prototype', async () => {
    const shard = writeSafetensors({ constructor: tensor([1]) });
    const e = await failure(
      readShardedSafetensors({ weight_map: { a: 'x.safetensors' } }, async () => shard),
    );
    expect(e.message).toMatch(/x\.safetensors: holds tensor "constructor" but .* does not list it/);
  });

  test('a corrupt shard is reported with its file name', async () => {
    const truncated = (f: string) => readShard(f).then((b) => b.subarray(0, b.length - 1));
    expect((await failure(readShardedSafetensors(index, truncated))).message).toMatch(
      /^model-0000\d-of-00002\.safetensors: tensor ".*" ends at byte/,
    );
  });

  test('a bad index', async () => {
    expect((await failure(readShardedSafetensors('{not json', readShard))).message).toMatch(
      /index\.json is not valid JSON/,
    );
    expect((await failure(readShardedSafetensors({ metadata: {} }, readShard))).message).toMatch(
      /no "weight_map"/,
    );
    expect((await failure(readShardedSafetensors({ weight_map: { a: 3 } }, readShard))).message).toMatch(
      /tensor "a" maps to 3/,
    );
  });
});
