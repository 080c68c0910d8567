// The README example (loading and generating). test/llm-readme.test.ts runs it and checks what it prints.
import { fileURLToPath } from 'node:url';
import { loadModel } from '@llmf/runtime-wasm';

// any Hugging Face-style folder: config.json + model.safetensors + tokenizer.json
const dir = fileURLToPath(new URL('../../../fixtures/models/gpt2-tiny', import.meta.url));
const llm = await loadModel(dir, { backend: 'js' });

// logits for every position of a prompt: row-major [T, V]
const ids = llm.tokenizer.encode('The cat sat on the mat.');
const logits = await llm.forward(ids);
console.log(ids.length, logits.length / ids.length); // 10 1025

// stream tokens; temperature 0 = greedy
let text = '';
for await (const token of llm.generate('The cat sat on the mat.', { temperature: 0, maxTokens: 12 })) {
  text += token.text; // whole characters only
}
console.log(JSON.stringify(text)); // "� nowty way�te qu =ans wayoc ad" (a tiny random model)

// sampled (reproducible with its seed), ending at a stop string, maxTokens, EOS or an abort signal
const controller = new AbortController();
const generation = llm.generate('The cat', {
  temperature: 0.8,
  topP: 0.9,
  seed: 7,
  maxTokens: 40,
  stop: ['.'],
  signal: controller.signal,
});
const sampled: number[] = [];
for await (const { id } of generation) sampled.push(id);
console.log(generation.finishReason, generation.seed, sampled.length); // eos 7 14

llm.dispose();
