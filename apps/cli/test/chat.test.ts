// `llmf chat`: the conversation goes through the model's chat_template (rendered with @huggingface/jinja)
// and each turn's reply is what `generate` gives for the rendered prompt with the same seed. The model is the
// gpt2-tiny fixture with a chat template added (its random-weight replies are one line each).

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixturesDir, runCli } from './run-cli';

const template =
  '{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-chat-'));
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json'])
    copyFileSync(join(fixturesDir, 'gpt2-tiny', f), join(dir, f));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', chat_template: template }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmf chat', () => {
  test('one reply per input line, each equal to generate on the rendered conversation', async () => {
    const sampling = ['--seed', '11', '--max-tokens', '6', '--temperature', '0.9'];
    const r = await runCli(['chat', '--model', dir, ...sampling], { input: 'Hello there\nAnd again\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const replies = r.stdout.split('\n');
    expect(replies).toHaveLength(3); // two replies and the final newline
    const first = await runCli([
      'generate',
      'user: Hello there\nassistant:',
      '--model',
      dir,
      ...sampling,
      '--json',
    ]);
    const text1 = JSON.parse(first.stdout).text as string;
    expect(replies[0]).toBe(text1);
    // turn 2 re-renders the whole conversation (the reply is stored trimmed) and uses seed + 1; its KV cache
    // is reused from turn 1 (prefix caching), and the reply must equal this fresh process's
    const second = await runCli([
      'generate',
      `user: Hello there\nassistant: ${text1.trim()}\nuser: And again\nassistant:`,
      '--model',
      dir,
      ...sampling.map((v) => (v === '11' ? '12' : v)),
      '--json',
    ]);
    expect(replies[1]).toBe(JSON.parse(second.stdout).text);
  });

  test('the KV cache is kept across turns: a turn prefills only what is new since the last one', async () => {
    const input = 'Hello there\nAnd again\nOne more\n';
    const r = await runCli(['chat', '--model', dir, '--seed', '3', '-n', '5', '--verbose'], { input });
    expect(r.code).toBe(0);
    const counts = [
      ...r.stderr.matchAll(/prompt (\d+) tokens: (\d+) from the KV cache, (\d+) prefilled/g),
    ].map((m) => ({ prompt: Number(m[1]), cached: Number(m[2]), prefilled: Number(m[3]) }));
    expect(counts).toHaveLength(3);
    expect(counts[0]).toEqual({ prompt: counts[0].prompt, cached: 0, prefilled: counts[0].prompt });
    for (let turn = 1; turn < 3; turn++) {
      const { prompt, cached, prefilled } = counts[turn];
      expect(cached + prefilled).toBe(prompt);
      // at least the previous turn's whole prompt comes from the cache (the template text before the reply)
      expect(cached).toBeGreaterThanOrEqual(counts[turn - 1].prompt);
    }
  });

  test('a system message and /reset', async () => {
    const r = await runCli(['chat', '--model', dir, '--system', 'Be brief.', '--seed', '1', '-n', '3'], {
      input: 'Hi\n/reset\nHi\n/exit\nnever read\n',
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(3);
  });

  test('a model without a chat_template is refused with a hint', async () => {
    const r = await runCli(['chat'], { input: 'hi\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no chat_template in tokenizer_config\.json .*use 'llmf generate'/);
  });
});
