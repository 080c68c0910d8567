// loadModel on the four fixture checkpoints (gpt2 / llama, f32 / f16 / bf16), checked against the logits and
// greedy ids that PyTorch + Hugging Face transformers produced (fixtures/models/*/expected.*), on both backends.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index';
import { collect, fixtures } from './llm-helpers';

const cases = fixtures.flatMap((fixture) =>
  (['js', 'wasm'] as const).map((backend) => ({ ...fixture, backend })),
);

describe.each(cases)('$name on $backend', ({ backend, ...fixture }) => {
  it('forward(prompt_ids) matches expected.safetensors within tolerance', async () => {
    const llm = await loadModel(fixture.dir, { backend });
    expect(llm.tokenizer.encode(fixture.prompt)).toEqual(fixture.promptIds);
    const logits = await llm.forward(fixture.promptIds);
    expect(logits.length).toBe(fixture.logits.length); // [T, V]
    let maxDiff = 0;
    for (let i = 0; i < logits.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(logits[i] - fixture.logits[i]));
    expect(maxDiff).toBeLessThan(fixture.tolerance);
    llm.dispose();
  });

  it('generate(prompt, { temperature: 0, maxTokens: 12 }) streams the greedy ids; the text is decode(ids)', async () => {
    const llm = await loadModel(fixture.dir, { backend });
    const generation = llm.generate(fixture.prompt, { temperature: 0, maxTokens: 12 });
    const { ids, text } = await collect(generation);
    // equal up to (and including) the first step whose top-1/top-2 margin is within float noise
    const firstTie = fixture.greedyMargins.findIndex((m) => m <= 1e-3);
    const checked = firstTie < 0 ? 12 : firstTie;
    expect(ids.slice(0, checked)).toEqual(fixture.greedyIds.slice(0, checked));
    expect(ids).toHaveLength(12);
    expect(text).toBe(llm.tokenizer.decode(ids));
    expect(generation.finishReason).toBe('length');
    llm.dispose();
  });
});
