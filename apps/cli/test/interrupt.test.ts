// Ctrl-C during `llmf generate`: the loop stops at the next token, the text so far stays printed, the exit
// code is 130. The fixture's context (128) is too short to interrupt reliably, so this test widens it:
// the same weights with the learned position table tiled to 1024 positions.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, type Tensor, writeSafetensors } from '@llmf/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultModelDir, runCli } from './run-cli';

let dir: string;
const positions = 1024;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-long-'));
  const tensors = readSafetensors(readFileSync(join(defaultModelDir, 'model.safetensors')));
  const wpe = tensors.get('wpe.weight')!;
  const [rows, C] = wpe.shape as [number, number];
  const wide = new Float32Array(positions * C);
  for (let p = 0; p < positions; p++)
    wide.set(wpe.data.subarray((p % rows) * C, ((p % rows) + 1) * C), p * C);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of tensors)
    out[name] = name === 'wpe.weight' ? { shape: [positions, C], data: wide } : t;
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(out));
  const config = JSON.parse(readFileSync(join(defaultModelDir, 'config.json'), 'utf8'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ ...config, n_positions: positions, n_ctx: positions }),
  );
  copyFileSync(join(defaultModelDir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C', () => {
  test('stops generate cleanly: partial text printed, "interrupted" on stderr, exit 130', async () => {
    const args = ['generate', 'The cat', '--model', dir, '--temperature', '0', '--max-tokens', '1000'];
    let sent = false;
    const r = await runCli(args, {
      onStdout(text, child) {
        if (!sent && text.length > 0) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const produced = Number(/interrupted after (\d+) tokens/.exec(r.stderr)?.[1]);
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(1000);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
