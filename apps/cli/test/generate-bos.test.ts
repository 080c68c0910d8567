// `llmf generate` turns a text prompt into ids with the runtime's llm.encodePrompt: a model whose
// tokenizer_config.json says "add_bos_token": true gets its BOS id first (tokenizer.encode never adds it).

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@llmf/runtime-wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixturesDir, runCli } from './run-cli';

const source = join(fixturesDir, 'gpt2-tiny');
const expected = JSON.parse(readFileSync(join(source, 'expected.json'), 'utf8')) as {
  prompt: string;
  prompt_ids: number[];
};
const bos = (JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as { bos_token_id: number })
  .bos_token_id;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-bos-'));
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json'])
    copyFileSync(join(source, f), join(dir, f));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ add_bos_token: true, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>' }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmf generate and explain with add_bos_token', () => {
  test('the prompt starts with BOS: the output is the greedy continuation of [BOS, ...prompt ids]', async () => {
    const r = await runCli([
      'generate',
      expected.prompt,
      '--model',
      dir,
      '-n',
      '6',
      '--temperature',
      '0',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.prompt_tokens).toBe(expected.prompt_ids.length + 1);
    // the reference: the original fixture (no tokenizer_config BOS rule), fed the ids with BOS by hand
    const llm = await loadModel(source, { backend: 'js' });
    try {
      const ids: number[] = [];
      for await (const t of llm.generate([bos, ...expected.prompt_ids], { temperature: 0, maxTokens: 6 }))
        ids.push(t.id);
      expect(out.ids).toEqual(ids);
    } finally {
      llm.dispose();
    }
  });

  test('explain encodes the prompt the same way: BOS, then the prompt ids', async () => {
    const r = await runCli(['explain', expected.prompt, '--model', dir, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.stdout);
    expect(trace.tokens.map((t: { id: number }) => t.id)).toEqual([bos, ...expected.prompt_ids]);
  });
});
