// `llmf explain`: the seed's five-step trace with the model's own numbers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixturesDir, runCli } from './run-cli';

const gpt2Tiny = join(fixturesDir, 'gpt2-tiny');
const ref = JSON.parse(readFileSync(join(gpt2Tiny, 'expected.json'), 'utf8')) as {
  prompt: string;
  prompt_ids: number[];
  top5_ids: number[];
  top5_logits: number[];
};

describe('llmf explain', () => {
  test('shows the five steps with the tokens, ids and top logits of the reference', async () => {
    const r = await runCli(['explain', ref.prompt, '--model', gpt2Tiny, '--seed', '3']);
    expect(r.code).toBe(0);
    for (const step of [
      'Step 1: TOKENIZE',
      'Step 2: EMBED',
      'Step 3: TRANSFORMER × 2 layers',
      'Step 4: PROJECT TO VOCABULARY',
      'Step 5: SAMPLE',
    ]) {
      expect(r.stdout).toContain(step);
    }
    expect(r.stdout).toContain(`IDs: [${ref.prompt_ids.join(', ')}]`);
    expect(r.stdout).toContain('Layer 1: "." attends to');
    expect(r.stdout).toContain('Positional encoding (learned');
  });

  test('--json: embeddings are rows of the checkpoint, logits match the reference, attention rows sum to 1', async () => {
    const r = await runCli([
      'explain',
      ref.prompt,
      '--model',
      gpt2Tiny,
      '--json',
      '--temperature',
      '0',
      '--dims',
      '3',
      '--top',
      '5',
    ]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.stdout);
    expect(trace.tokens.map((t: { id: number }) => t.id)).toEqual(ref.prompt_ids);
    // the reference's top-5 ids and logits at the last position (PyTorch), within the f32 tolerance
    expect(trace.candidates.map((c: { id: number }) => c.id)).toEqual(ref.top5_ids);
    trace.candidates.forEach((c: { logit: number }, i: number) => {
      expect(Math.abs(c.logit - ref.top5_logits[i]!)).toBeLessThan(2e-4);
    });
    // greedy picks the top logit
    expect(trace.chosen.id).toBe(ref.top5_ids[0]);
    for (const row of trace.attention as number[][]) {
      expect(row).toHaveLength(ref.prompt_ids.length);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    // E[id] is row id of wte in the checkpoint: read it straight from the safetensors file
    const bytes = readFileSync(join(gpt2Tiny, 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    const [start] = header['wte.weight'].data_offsets as [number, number];
    const id = ref.prompt_ids[1]!;
    const C = 64;
    const base = 8 + headerLength + start + id * C * 4;
    const row = [0, 1, 2].map((d) => bytes.readFloatLE(base + d * 4));
    expect(trace.embeddings[1]).toEqual(row);
  });

  test('the token it draws is the first token generate samples with the same seed and settings', async () => {
    const settings = ['--temperature', '1.5', '--top-k', '50', '--top-p', '0.9', '--seed', '99'];
    const explained = JSON.parse((await runCli(['explain', 'The cat sat', '--json', ...settings])).stdout);
    const generated = JSON.parse(
      (await runCli(['generate', 'The cat sat', '-n', '1', '--json', ...settings])).stdout,
    );
    expect(explained.chosen.id).toBe(generated.ids[0]);
    // after top-k and top-p, the kept probabilities are renormalised
    const kept = explained.candidates.filter((c: { pTopP: number }) => c.pTopP > 0);
    expect(kept.length).toBeGreaterThan(0);
  });
});
