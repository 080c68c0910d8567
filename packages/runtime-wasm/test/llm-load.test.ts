// loadModel: the sources (directory, ModelFiles map, reader), the layouts (tokenizer.json or vocab.json +
// merges.txt, one file or sharded weights), progress, and typed errors for everything that is not a model.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, type Tensor, writeSafetensors } from '@llmf/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type ModelFiles } from '../src/index';
import { collect, expectLlmfError, filesOf, fixturesDir, gpt2, llama } from './llm-helpers';

const scratch = mkdtempSync(join(tmpdir(), 'llmf-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** max |a − b| */
function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function expectFixtureLogits(files: string | ModelFiles, fixture = gpt2) {
  const llm = await loadModel(files, { backend: 'js' });
  expect(maxDiff(await llm.forward(fixture.promptIds), fixture.logits)).toBeLessThan(fixture.tolerance);
  llm.dispose();
}

describe('sources and layouts', () => {
  it('a ModelFiles map of bytes and text (no filesystem)', async () => {
    const files = filesOf(gpt2.dir);
    const text = new TextDecoder();
    await expectFixtureLogits({
      'config.json': text.decode(files['config.json']),
      'tokenizer.json': text.decode(files['tokenizer.json']),
      'model.safetensors': files['model.safetensors'],
    });
  });

  it('a ModelFiles reader (e.g. fetch in a browser)', async () => {
    const files = filesOf(llama.dir);
    const asked: string[] = [];
    await expectFixtureLogits(
      {
        read: async (name: string) => {
          asked.push(name);
          return files[name];
        },
      },
      llama,
    );
    expect(asked).toContain('model.safetensors');
  });

  it('vocab.json + merges.txt when there is no tokenizer.json', async () => {
    const { 'tokenizer.json': _, ...files } = filesOf(gpt2.dir);
    const llm = await loadModel(files, { backend: 'js' });
    expect(llm.tokenizer.encode(gpt2.prompt)).toEqual(gpt2.promptIds);
    expect((await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }))).ids).toEqual(
      gpt2.greedyIds,
    );
    llm.dispose();
  });

  it('sharded weights: model.safetensors.index.json + shards', async () => {
    const { 'model.safetensors': weights, ...files } = filesOf(llama.dir);
    const tensors = [...readSafetensors(weights)];
    const half = Math.ceil(tensors.length / 2);
    const shards: Record<string, [string, Tensor][]> = {
      'model-00001-of-00002.safetensors': tensors.slice(0, half),
      'model-00002-of-00002.safetensors': tensors.slice(half),
    };
    const weightMap: Record<string, string> = {};
    const sharded: Record<string, Uint8Array | string> = { ...files };
    for (const [file, list] of Object.entries(shards)) {
      for (const [name] of list) weightMap[name] = file;
      sharded[file] = writeSafetensors(new Map(list));
    }
    sharded['model.safetensors.index.json'] = JSON.stringify({ metadata: {}, weight_map: weightMap });
    await expectFixtureLogits(sharded, llama);

    // on disk too
    const dir = join(scratch, 'sharded');
    rmSync(dir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dir);
    for (const [name, content] of Object.entries(sharded)) writeFileSync(join(dir, name), content);
    await expectFixtureLogits(dir, llama);

    // a shard the index names is missing
    const { 'model-00002-of-00002.safetensors': __, ...incomplete } = sharded;
    await expectLlmfError(
      () => loadModel(incomplete),
      'MODEL_FORMAT',
      /model-00002-of-00002\.safetensors .*is missing/,
    );
  });

  it('reports progress in bytes, ending at the total of the files read', async () => {
    const events: { loaded: number; total: number; file: string }[] = [];
    const llm = await loadModel(gpt2.dir, { backend: 'js', onProgress: (p) => events.push({ ...p }) });
    llm.dispose();
    const files = filesOf(gpt2.dir);
    const read = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];
    const total = read.reduce((s, f) => s + files[f].byteLength, 0);
    expect(events.at(-1)).toEqual({ loaded: total, total, file: 'model.safetensors' });
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(read));
    for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThan(events[i - 1].loaded);
    for (const e of events) expect(e.total).toBe(total);
  });

  it("backend 'wasm' with 2 threads gives the fixture's logits and greedy ids", async () => {
    const llm = await loadModel(llama.dir, { backend: 'wasm', threads: 2 });
    expect(llm.backendName).toBe('wasm-simd');
    expect(maxDiff(await llm.forward(llama.promptIds), llama.logits)).toBeLessThan(llama.tolerance);
    expect((await collect(llm.generate(llama.prompt, { temperature: 0, maxTokens: 12 }))).ids).toEqual(
      llama.greedyIds,
    );
    llm.dispose();
  });

  it("a model larger than the 'wasm' backend's initial memory (100 layers, ≈ 26 MB) matches 'js'", async () => {
    // gpt2-tiny's two blocks repeated: h.l = h.(l mod 2)
    const files = filesOf(gpt2.dir);
    const deep = new Map<string, Tensor>();
    for (const [name, t] of readSafetensors(files['model.safetensors'])) {
      const block = /^h\.(\d+)\.(.*)$/.exec(name);
      if (!block) deep.set(name, t);
      else for (let l = Number(block[1]); l < 100; l += 2) deep.set(`h.${l}.${block[2]}`, t);
    }
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    const model: ModelFiles = {
      'config.json': JSON.stringify({ ...config, n_layer: 100 }),
      'tokenizer.json': files['tokenizer.json'],
      'model.safetensors': writeSafetensors(deep),
    };
    const js = await loadModel(model, { backend: 'js' });
    const wasm = await loadModel(model, { backend: 'wasm' });
    expect(maxDiff(await wasm.forward(gpt2.promptIds), await js.forward(gpt2.promptIds))).toBeLessThan(1e-4);
    const greedy = { temperature: 0, maxTokens: 8 };
    expect((await collect(wasm.generate(gpt2.prompt, greedy))).ids).toEqual(
      (await collect(js.generate(gpt2.prompt, greedy))).ids,
    );
    js.dispose();
    wasm.dispose();
  });

  it('exposes the config, the context length and the backend', async () => {
    const llm = await loadModel(llama.dir, { backend: 'js' });
    expect(llm.config).toMatchObject({
      modelType: 'llama',
      vocabSize: 1025,
      nLayer: 2,
      nKvHead: 2,
      eosTokenIds: [1024],
    });
    expect(llm.contextLength).toBe(256);
    expect(llm.backendName).toBe('js-ref');
    llm.dispose();
  });
});

describe('BOS for text prompts (encode() applies no post-processor; the runtime does)', () => {
  const files = filesOf(gpt2.dir);
  const text = new TextDecoder();
  const tokenizerConfig = JSON.parse(text.decode(files['tokenizer_config.json']));
  const tokenizerJson = JSON.parse(text.decode(files['tokenizer.json']));
  const template = {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [1024], tokens: ['<|endoftext|>'] } },
  };
  const withTemplate = (post: unknown) => JSON.stringify({ ...tokenizerJson, post_processor: post });
  const withConfig = (extra: object) => JSON.stringify({ ...tokenizerConfig, ...extra });

  it.each<{ name: string; changes: Record<string, string>; prefix: number[] }>([
    { name: 'the fixtures (no add_bos_token, a ByteLevel post-processor)', changes: {}, prefix: [] },
    {
      name: 'tokenizer_config.json add_bos_token: true',
      changes: { 'tokenizer_config.json': withConfig({ add_bos_token: true }) },
      prefix: [1024],
    },
    {
      name: 'add_bos_token: false wins over a template',
      changes: {
        'tokenizer_config.json': withConfig({ add_bos_token: false }),
        'tokenizer.json': withTemplate(template),
      },
      prefix: [],
    },
    {
      name: 'a TemplateProcessing post-processor (Llama 3 style)',
      changes: { 'tokenizer.json': withTemplate(template) },
      prefix: [1024],
    },
    {
      name: 'a template inside a Sequence post-processor',
      changes: {
        'tokenizer.json': withTemplate({
          type: 'Sequence',
          processors: [tokenizerJson.post_processor, template],
        }),
      },
      prefix: [1024],
    },
  ])('$name → prefix $prefix', async ({ changes, prefix }) => {
    const llm = await loadModel({ ...files, ...changes }, { backend: 'js' });
    expect(llm.encodePrompt(gpt2.prompt)).toEqual([...prefix, ...gpt2.promptIds]);
    const fromText = await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 4 }));
    const fromIds = await collect(
      llm.generate([...prefix, ...gpt2.promptIds], { temperature: 0, maxTokens: 4 }),
    );
    expect(fromText.ids).toEqual(fromIds.ids);
    llm.dispose();
  });

  it('a template naming a special token without valid ids is a format error', async () => {
    const broken = { ...template, special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [5000] } } };
    await expectLlmfError(
      () => loadModel({ ...files, 'tokenizer.json': withTemplate(broken) }),
      'MODEL_FORMAT',
      /has no valid ids/,
    );
  });
});

describe('an http(s) folder URL (fetch)', () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  beforeAll(async () => {
    // serves fixtures/models/<name>/<file>; 500 for /broken/*
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/broken/')) {
        res.writeHead(500).end();
        return;
      }
      const path = join(fixturesDir, decodeURIComponent(req.url ?? ''));
      if (!existsSync(path) || !path.startsWith(fixturesDir)) {
        res.writeHead(404).end();
        return;
      }
      const body = readFileSync(path);
      res.writeHead(200, { 'content-length': body.byteLength });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loads a model over HTTP with byte progress', async () => {
    const events: { loaded: number; total: number; file: string }[] = [];
    const llm = await loadModel(`${base}/llama-tiny/`, {
      backend: 'js',
      onProgress: (p) => events.push({ ...p }),
    });
    expect(maxDiff(await llm.forward(llama.promptIds), llama.logits)).toBeLessThan(llama.tolerance);
    llm.dispose();
    const last = events.at(-1);
    expect(last?.file).toBe('model.safetensors');
    expect(last?.loaded).toBe(last?.total);
    expect(requests).toContain('GET /llama-tiny/model.safetensors');
  });

  it('a URL without config.json, and a failing server, give typed errors', async () => {
    await expectLlmfError(
      () => loadModel(`${base}/nothing-here`),
      'MODEL_FORMAT',
      /nothing-here is not a model folder: config\.json is missing/,
    );
    await expectLlmfError(() => loadModel(`${base}/broken/`), 'NOT_FOUND', /answered 500/);
    await expectLlmfError(() => loadModel('http://127.0.0.1:1/model'), 'NOT_FOUND', /could not fetch/);
  });
});

describe('not a model → typed errors that say what is expected', () => {
  it('a directory that does not exist', async () => {
    await expectLlmfError(() => loadModel(join(scratch, 'nope')), 'NOT_FOUND', /does not exist/);
  });

  it('a file instead of a directory', async () => {
    await expectLlmfError(
      () => loadModel(join(gpt2.dir, 'config.json')),
      'NOT_FOUND',
      /is a file, not a directory/,
    );
  });

  it('a folder without config.json lists what it found and what is expected', async () => {
    const dir = join(scratch, 'notes');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'README.md'), 'hello');
    const e = await expectLlmfError(() => loadModel(dir), 'MODEL_FORMAT', /config\.json is missing/);
    expect(e.message).toMatch(/It holds: README\.md/);
    expect(e.message).toMatch(/model\.safetensors/);
    expect(e.message).toMatch(/tokenizer\.json \(or vocab\.json \+ merges\.txt\)/);
  });

  it('no tokenizer, no weights', async () => {
    const files = filesOf(gpt2.dir);
    await expectLlmfError(
      () =>
        loadModel({ 'config.json': files['config.json'], 'model.safetensors': files['model.safetensors'] }),
      'MODEL_FORMAT',
      /tokenizer\.json \(or vocab\.json \+ merges\.txt\) is missing\. It holds: config\.json, model\.safetensors/,
    );
    await expectLlmfError(
      () => loadModel({ 'config.json': files['config.json'], 'tokenizer.json': files['tokenizer.json'] }),
      'MODEL_FORMAT',
      /model\.safetensors \(or model\.safetensors\.index\.json with its shards\) is missing/,
    );
  });

  it('bad config.json', async () => {
    const files = filesOf(gpt2.dir);
    await expectLlmfError(
      () => loadModel({ ...files, 'config.json': '{"model_type": "gpt2", ' }),
      'MODEL_FORMAT',
      /config\.json is not valid JSON/,
    );
    await expectLlmfError(
      () => loadModel({ ...files, 'config.json': '{"model_type": "bert"}' }),
      'MODEL_FORMAT',
      /"bert" is not supported/,
    );
  });

  it('truncated model.safetensors', async () => {
    const files = filesOf(gpt2.dir);
    const weights = files['model.safetensors'];
    for (const length of [0, 5, 100, weights.byteLength - 1000]) {
      await expectLlmfError(
        () => loadModel({ ...files, 'model.safetensors': weights.slice(0, length) }),
        'MODEL_FORMAT',
        /model\.safetensors/,
      );
    }
  });

  it('weights of another shape, or a missing tensor', async () => {
    const files = filesOf(gpt2.dir);
    const tensors = readSafetensors(files['model.safetensors']);
    const [firstName] = tensors.keys();
    const missing = new Map(tensors);
    missing.delete(firstName);
    await expectLlmfError(
      () => loadModel({ ...files, 'model.safetensors': writeSafetensors(missing) }),
      'MODEL_FORMAT',
    );
    // llama weights under a gpt2 config
    await expectLlmfError(
      () => loadModel({ ...files, 'model.safetensors': filesOf(llama.dir)['model.safetensors'] }),
      'MODEL_FORMAT',
    );
  });

  it('a tokenizer larger than the model vocabulary', async () => {
    const files = filesOf(gpt2.dir);
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    await expectLlmfError(
      () => loadModel({ ...files, 'config.json': JSON.stringify({ ...config, vocab_size: 1000 }) }),
      'MODEL_FORMAT',
      /1025 tokens but config\.json vocab_size is 1000/,
    );
  });

  it('bad options', async () => {
    await expectLlmfError(
      () => loadModel(gpt2.dir, { backend: 'cuda' as 'js' }),
      'INVALID_ARGUMENT',
      /"cuda" is unknown/,
    );
    await expectLlmfError(() => loadModel(gpt2.dir, { threads: 0 }), 'INVALID_ARGUMENT', /threads is 0/);
    // ... before any file is read
    const reads: string[] = [];
    const reader = { read: async (name: string) => void reads.push(name) };
    await expectLlmfError(() => loadModel(reader, { backend: 'gpu' as 'js' }), 'INVALID_ARGUMENT');
    await expectLlmfError(() => loadModel(reader, { threads: 1.5 }), 'INVALID_ARGUMENT');
    expect(reads).toEqual([]);
    await expectLlmfError(
      () => loadModel(gpt2.dir, { contextLength: 129 }),
      'INVALID_ARGUMENT',
      /contextLength is 129; use an integer in 1\.\.128/,
    );
    await expectLlmfError(
      () => loadModel(42 as unknown as string),
      'INVALID_ARGUMENT',
      /directory path or a ModelFiles/,
    );
    await expectLlmfError(
      () => loadModel({ read: async () => 42 } as unknown as ModelFiles),
      'INVALID_ARGUMENT',
      /must return a Uint8Array/,
    );
  });
});
