// The seed's pipeline, one package per stage: text → ids → logits → next token.
import { readFileSync } from 'node:fs';
import { sample, softmax } from '@llmf/sampling';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { Tokenizer } from '@llmf/tokenizer';
import { configFromHuggingFace, loadTransformer } from '@llmf/transformer';

const dir = new URL('../../fixtures/models/gpt2-tiny/', import.meta.url); // any HF-style folder
const read = (file: string) => readFileSync(new URL(file, dir));

// 1. tokenize: text → ids [T]
const tokenizer = Tokenizer.fromHuggingFace(read('tokenizer.json').toString('utf8'));
const ids = tokenizer.encode('The cat sat on the');
console.log(JSON.stringify(tokenizer.tokenize('The cat sat on the'))); // ["The"," c","at"," s","at"," on"," the"]

// 2-4. embed, N transformer blocks, project to the vocabulary: ids [T] → logits [T, V]
const config = configFromHuggingFace(JSON.parse(read('config.json').toString('utf8')));
const tensors = readSafetensors(read('model.safetensors'));
const model = loadTransformer({ config, tensors, backend: createReferenceBackend() });
const logits = model.forward(ids);
const last = logits.subarray((ids.length - 1) * config.vocabSize); // the last position's row [V]

// 5. sample: logits [V] → next id
const probs = softmax(last, 0.8);
const next = sample(last, { temperature: 0.8, topP: 0.9, seed: 42 });
console.log(ids.length, config.vocabSize, probs[next]! > 0, tokenizer.decode([next]).length > 0); // 7 1025 true true
