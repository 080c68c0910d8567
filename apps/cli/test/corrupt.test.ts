// A damaged model folder: a clear message and exit 1, the stack only with --debug.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultModelDir, runCli } from './run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-corrupt-'));
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(defaultModelDir, f), join(dir, f));
  // a truncated header: the 8-byte length claims far more JSON than the file holds
  const bytes = Buffer.alloc(64);
  bytes.writeBigUInt64LE(1000n, 0);
  writeFileSync(join(dir, 'model.safetensors'), bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a corrupt model', () => {
  test('generate fails with one line and exit 1; --debug adds the stack', async () => {
    const r = await runCli(['generate', 'hi', '--model', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^llmf: .*safetensors/);
    const debug = await runCli(['generate', 'hi', '--model', dir, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  test('an invalid config.json is reported as such', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'llmf-badconfig-'));
    try {
      writeFileSync(join(bad, 'config.json'), '{"model_type": "gpt2", ');
      const r = await runCli(['generate', 'hi', '--model', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/config\.json/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
