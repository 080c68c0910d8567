// The training forward pass against PyTorch: fixtures/models/gpt2-tiny{,-f16} carry Hugging Face's logits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { describe, expect, it } from 'vitest';
import { fromHuggingFaceConfig, Gpt2Model, loadWeights } from '../src/index';

const fixtures = join(__dirname, '../../../fixtures/models');

describe.each([
  ['gpt2-tiny', 2e-4],
  ['gpt2-tiny-f16', 1e-3],
])('forward on %s', (name, tol) => {
  it('matches the expected logits', () => {
    const dir = join(fixtures, name);
    const config = fromHuggingFaceConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    const model = new Gpt2Model(config, createReferenceBackend(), 1);
    loadWeights(model.params, readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))));
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const logits = readSafetensors(new Uint8Array(readFileSync(join(dir, 'expected.safetensors')))).get(
      'logits',
    )!;
    const ids: number[] = expected.prompt_ids;
    model.forward(ids, 1, ids.length);
    expect(model.logits.length).toBe(logits.data.length);
    let maxErr = 0;
    for (let i = 0; i < logits.data.length; i++)
      maxErr = Math.max(maxErr, Math.abs(model.logits[i] - logits.data[i]));
    expect(maxErr).toBeLessThan(tol);
  });
});
