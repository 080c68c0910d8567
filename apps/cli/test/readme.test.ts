// The README's examples marked `$` are run here, as written (with `llmf` → the built binary), so the
// documentation cannot drift from the program.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { binPath } from './run-cli';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/^\$ (.+)$/gm)].map((m) => m[1]!);
const scratch = mkdtempSync(join(tmpdir(), 'llmf-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Run one README line in sh, with `llmf` meaning this package's dist/bin.js and /tmp/llmf-bpe a scratch folder. */
async function runExample(line: string): Promise<{ stdout: string; stderr: string }> {
  const command = line
    .replaceAll('/tmp/llmf-bpe', join(scratch, 'bpe'))
    .replace(/(^|\| |&& )llmf /g, `$1"${process.execPath}" "${binPath}" `);
  const env = { ...process.env, NO_COLOR: '1' };
  return promisify(execFile)('sh', ['-c', command], { env, cwd: scratch });
}

describe('README examples', () => {
  test('there are examples for every command that needs no network', () => {
    for (const name of ['generate', 'tokenize', 'train-tokenizer', 'explain', 'bench']) {
      expect(examples.some((e) => e.includes(`llmf ${name} `))).toBe(true);
    }
  });

  test('each runs and exits 0 (in order: the tokenizer trained first is used after)', async () => {
    const outputs = new Map<string, string>();
    for (const example of examples) {
      const { stdout } = await runExample(example);
      outputs.set(example, stdout);
    }
    const get = (prefix: string) => [...outputs].find(([k]) => k.startsWith(prefix))![1];
    expect(get('llmf tokenize "strawberry"')).toBe('[str][aw][berry]\n[496,675,15717]\n3 tokens\n');
    expect(get('llmf tokenize lowest')).toBe('[lowe][s][t]\n[11,5,6]\n3 tokens\n');
    expect(JSON.parse(get('llmf bench')).prefill_tok_s).toBeGreaterThan(0);
    // the outputs shown in the README, from the embedded default model
    expect(get('echo "And God said" | llmf generate --temperature 0')).toBe(
      ', I will not be a man, and will not be a man, and to be a man\n',
    );
    expect(readme).toContain('\n```\n, I will not be a man, and will not be a man, and to be a man\n```\n');
    const explained = get('llmf explain "The cat sat" --seed 42');
    expect(explained).toContain('"The cat sat" → ["The", " c", "at", " sat"] → IDs: [448, 279, 278, 1253]');
    expect(explained).toContain('Layer 4: " sat" attends to "The" 0.42, " sat" 0.28, "at" 0.16');
    expect(explained).toContain('logits: [" down"=6.85, " upon"=5.90, " on"=5.66, " in"=5.57, ...]');
    expect(explained).toContain('→ " into" (id 475)');
  });
});
