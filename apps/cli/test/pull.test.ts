// `llmf pull` against a local stand-in for the hub: what it fetches, where it stores it, resuming an
// interrupted transfer with an HTTP Range request, and refusing a file whose sha256 does not match.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, type Tensor, writeSafetensors } from '@llmf/tensor';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type HubServer, startHub } from './hub-server';
import { fixturesDir, runCli } from './run-cli';

const source = join(fixturesDir, 'gpt2-tiny');
const repo = 'test-org/gpt2-tiny';
let cache: string;
let hub: HubServer | undefined;

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'llmf-pull-'));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(cache, { recursive: true, force: true });
});

const env = () => ({ HF_ENDPOINT: hub!.endpoint, LLMF_CACHE: cache, HF_TOKEN: undefined });
const stored = (file: string) => join(cache, 'hub', 'test-org', 'gpt2-tiny', 'main', file);
const same = (file: string) =>
  expect(readFileSync(stored(file)).equals(readFileSync(join(source, file)))).toBe(true);

describe('llmf pull', () => {
  test('downloads config, tokenizer and weights into $LLMF_CACHE/hub/owner/name/main', async () => {
    hub = await startHub({ dir: source, repo });
    const r = await runCli(['pull', repo, '--json'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dir).toBe(stored('').replace(/\/$/, ''));
    expect(out.files).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'model.safetensors',
    ]);
    for (const file of out.files) same(file);
    // the hub was asked for the index first, which this repo does not have (404)
    const paths = hub.requests.map((q) => q.path);
    expect(paths).toContain(`/${repo}/resolve/main/model.safetensors.index.json`);
    expect(paths).not.toContain(`/${repo}/resolve/main/vocab.json`);
    expect(existsSync(stored('model.safetensors.partial'))).toBe(false);
    // --model accepts the pulled repo id
    const ref = JSON.parse(readFileSync(join(source, 'expected.json'), 'utf8'));
    const g = await runCli(['generate', ref.prompt, '--model', repo, '-t', '0', '-n', '12', '--json'], {
      env: env(),
    });
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout).ids).toEqual(ref.greedy_ids);
  });

  test('a transfer cut off mid-file is resumed with a Range request and ends byte-identical', async () => {
    hub = await startHub({ dir: source, repo, cut: { 'model.safetensors': 'once' } });
    const r = await runCli(['pull', repo], { env: env() });
    expect(r.code).toBe(0);
    const transfers = hub.requests.filter((q) => q.path === '/lfs/model.safetensors');
    expect(transfers).toHaveLength(2);
    expect(transfers[0]!.headers.range).toBeUndefined();
    const size = readFileSync(join(source, 'model.safetensors')).length;
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(transfers[1]!.headers.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(size);
    same('model.safetensors');
  });

  test('a .partial file left by an earlier run is continued, not restarted', async () => {
    hub = await startHub({ dir: source, repo });
    const bytes = readFileSync(join(source, 'model.safetensors'));
    mkdirSync(stored(''), { recursive: true });
    writeFileSync(stored('model.safetensors.partial'), bytes.subarray(0, 1000));
    const r = await runCli(['pull', repo], { env: env() });
    expect(r.code).toBe(0);
    const transfer = hub.requests.find((q) => q.path === '/lfs/model.safetensors');
    expect(transfer?.headers.range).toBe('bytes=1000-');
    same('model.safetensors');
    expect(r.stdout.trim()).toBe(stored('').replace(/\/$/, ''));
  });

  test('when the connection keeps dropping, it fails with one line and keeps the partial file', async () => {
    hub = await startHub({ dir: source, repo, cut: { 'model.safetensors': 'always' } });
    const r = await runCli(['pull', repo], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/interrupted .*run the same command again to resume/);
    expect(existsSync(stored('model.safetensors'))).toBe(false);
    expect(existsSync(stored('model.safetensors.partial'))).toBe(true);
  });

  test('a sha256 mismatch is refused: exit 1, no file under the final name', async () => {
    hub = await startHub({ dir: source, repo, wrongSha256: { 'model.safetensors': 'ab'.repeat(32) } });
    const r = await runCli(['pull', repo], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^llmf: model\.safetensors: sha256 mismatch/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(stored('model.safetensors'))).toBe(false);
    expect(existsSync(stored('model.safetensors.partial'))).toBe(false);
  });

  test('files already in the cache are not downloaded again', async () => {
    hub = await startHub({ dir: source, repo });
    expect((await runCli(['pull', repo], { env: env() })).code).toBe(0);
    const before = hub.requests.length;
    expect((await runCli(['pull', repo], { env: env() })).code).toBe(0);
    expect(hub.requests.filter((q) => q.path.startsWith('/lfs/')).length).toBe(1);
    expect(hub.requests.length - before).toBe(1); // only the (absent) index is asked for again
  });

  test('a sharded checkpoint: every shard named in model.safetensors.index.json, then it loads', async () => {
    const sharded = mkdtempSync(join(tmpdir(), 'llmf-sharded-'));
    try {
      const tensors = readSafetensors(readFileSync(join(source, 'model.safetensors')));
      const shards: Record<string, Record<string, Tensor>> = {
        'model-00001-of-00002.safetensors': {},
        'model-00002-of-00002.safetensors': {},
      };
      const weightMap: Record<string, string> = {};
      for (const [name, t] of tensors) {
        const file = /^(h\.1\.|ln_f)/.test(name.replace(/^transformer\./, ''))
          ? 'model-00002-of-00002.safetensors'
          : 'model-00001-of-00002.safetensors';
        shards[file]![name] = t;
        weightMap[name] = file;
      }
      for (const [file, content] of Object.entries(shards))
        writeFileSync(join(sharded, file), writeSafetensors(content));
      writeFileSync(
        join(sharded, 'model.safetensors.index.json'),
        JSON.stringify({ metadata: {}, weight_map: weightMap }),
      );
      for (const f of ['config.json', 'tokenizer.json', 'expected.json'])
        copyFileSync(join(source, f), join(sharded, f));
      hub = await startHub({ dir: sharded, repo });
      const r = await runCli(['pull', repo, '--json'], { env: env() });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).files).toEqual([
        'config.json',
        'tokenizer.json',
        'model.safetensors.index.json',
        ...Object.keys(shards),
      ]);
      const ref = JSON.parse(readFileSync(join(source, 'expected.json'), 'utf8'));
      const g = await runCli(['generate', ref.prompt, '--model', repo, '-t', '0', '-n', '12', '--json'], {
        env: env(),
      });
      expect(g.code).toBe(0);
      expect(JSON.parse(g.stdout).ids).toEqual(ref.greedy_ids);
    } finally {
      rmSync(sharded, { recursive: true, force: true });
    }
  });

  test('HF_TOKEN goes to the hub as a bearer token, but not to the CDN the weights redirect to', async () => {
    const cdn = await startHub({ dir: source, repo });
    try {
      hub = await startHub({ dir: source, repo, cdn: cdn.endpoint });
      const r = await runCli(['pull', repo], { env: { ...env(), HF_TOKEN: 'hf_secret' } });
      expect(r.code).toBe(0);
      same('model.safetensors');
      expect(hub.requests.every((q) => q.headers.authorization === 'Bearer hf_secret')).toBe(true);
      expect(cdn.requests.map((q) => q.path)).toEqual(['/lfs/model.safetensors']);
      expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  });

  test('an unknown repo is a runtime error; a malformed repo id is a usage error', async () => {
    hub = await startHub({ dir: source, repo });
    const missing = await runCli(['pull', 'nobody/nothing'], { env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nobody\/nothing@main has no config\.json/);
    const malformed = await runCli(['pull', 'not a repo'], { env: env() });
    expect(malformed.code).toBe(2);
    const none = await runCli(['pull'], { env: env() });
    expect(none.code).toBe(2);
  });
});
