// The README's example, run as written (with fewer steps' output checked).
import { trainBPE } from '@llmf/tokenizer';
import { expect, it } from 'vitest';
import { train } from '../src/index';

it('README example: train a tiny GPT-2 and watch the loss fall', async () => {
  const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(50);
  const tokenizer = trainBPE(text, { vocabSize: 300, specialTokens: ['<|endoftext|>'] });
  const losses: number[] = [];
  const result = await train({
    tokens: tokenizer.encode(text),
    tokenizer: tokenizer.toHuggingFace(),
    config: { vocabSize: 300, nPositions: 32, nEmbd: 32, nLayer: 2, nHead: 2 },
    steps: 40,
    batchSize: 4,
    learningRate: 3e-3,
    backend: 'js',
    onStep: (p) => losses.push(p.loss),
  });
  expect(result.step).toBe(40);
  expect(losses.at(-1)).toBeLessThan(losses[0]! / 2); // ≈ 5.7 (ln 300) → below 2.9
});
