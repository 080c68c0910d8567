// Runs examples/llm-readme.ts (the README's loading-and-generating example) and checks what it prints.
import { afterEach, expect, it, vi } from 'vitest';
import { loadModel } from '../src/index';
import { collect, gpt2 } from './llm-helpers';

afterEach(() => vi.restoreAllMocks());

it('the README example loads a model, computes logits and streams tokens', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  await import('../examples/llm-readme');
  // the logits shape and the greedy text follow from the fixture's expected values
  const llm = await loadModel(gpt2.dir, { backend: 'js' });
  const generation = llm.generate('The cat', {
    temperature: 0.8,
    topP: 0.9,
    seed: 7,
    maxTokens: 40,
    stop: ['.'],
  });
  const sampled = await collect(generation);
  expect(lines).toEqual([
    `${gpt2.promptIds.length} 1025`,
    JSON.stringify(llm.tokenizer.decode(gpt2.greedyIds)),
    `${generation.finishReason} 7 ${sampled.ids.length}`, // the same seed gives the same run
  ]);
  llm.dispose();
});
