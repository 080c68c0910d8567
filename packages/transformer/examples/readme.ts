// The README example. test/readme.test.ts runs it and checks what it prints.
import { readFileSync } from 'node:fs';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';

// a Hugging Face folder: config.json + model.safetensors (here the repo's tiny GPT-2 fixture)
const dir = new URL('../../../fixtures/models/gpt2-tiny/', import.meta.url);
const config = configFromHuggingFace(readFileSync(new URL('config.json', dir), 'utf8'));
const tensors = readSafetensors(new Uint8Array(readFileSync(new URL('model.safetensors', dir))));
const model = loadTransformer({ config, tensors, backend: createReferenceBackend() });
console.log(config.modelType, config.nLayer, config.dModel, config.vocabSize); // gpt2 2 64 1025

const prompt = [464, 269, 265, 264, 265, 319, 262, 285, 265, 13]; // "The cat sat on the mat."
const logits = model.forward(prompt); // [T, V] row-major
console.log(logits.length === prompt.length * config.vocabSize); // true

// greedy decoding with the KV cache: prefill once, then one token at a time
const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
model.reset();
let next = argmax(model.forwardCached(prompt, { lastOnly: true }));
const generated = [next];
while (generated.length < 5) {
  next = argmax(model.forwardCached([next], { lastOnly: true }));
  generated.push(next);
}
console.log(generated, model.position); // [97, 783, 774, 835, 100] 14  (the last id is not fed back yet)
