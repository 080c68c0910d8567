// Sampling for the model card: recompute the whole window each token (no KV cache; the model is small).
// Temperature then top-k, drawn with a seeded Rng. The runtime's generate() is the fast path; this one only
// shows what the freshly trained weights say, without leaving this package.

import type { Tokenizer } from '@llmf/tokenizer';
import type { Gpt2Model, Rng } from '../src/index';

export function generateText(
  model: Gpt2Model,
  tokenizer: Tokenizer,
  prompt: string,
  o: { maxTokens: number; temperature: number; topK: number; rng: Rng },
): string {
  const { vocabSize: V, nPositions: P } = model.config;
  const ids = tokenizer.encode(prompt);
  const eos = model.config.eosTokenId ?? V - 1;
  for (let n = 0; n < o.maxTokens; n++) {
    const window = ids.slice(-P);
    model.forward(window, 1, window.length);
    const row = model.logits.subarray((window.length - 1) * V, window.length * V);
    // top-k of logits / temperature, then a draw from their softmax
    const order = Array.from(row.keys())
      .sort((a, b) => row[b]! - row[a]!)
      .slice(0, o.topK);
    const max = row[order[0]!]! / o.temperature;
    const weights = order.map((i) => Math.exp(row[i]! / o.temperature - max));
    let u = o.rng.next() * weights.reduce((a, b) => a + b, 0);
    let pick = order[order.length - 1]!;
    for (let j = 0; j < order.length; j++) {
      u -= weights[j]!;
      if (u <= 0) {
        pick = order[j]!;
        break;
      }
    }
    if (pick === eos) break;
    ids.push(pick);
  }
  return tokenizer.decode(ids);
}
