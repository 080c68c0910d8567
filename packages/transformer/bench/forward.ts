// Forward-pass throughput on the JS reference backend (the spec kernels, not the fast path): prefill of the
// fixture prompt and one-token decode steps with the KV cache. Prints a table and one JSON line.
// Run: pnpm --filter @llmf/transformer bench   (medians of several runs; the machine is shared and noisy)
import { readFileSync } from 'node:fs';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer } from '../src/index';

const runs = 7;
const decodeSteps = 32;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rows: { model: string; prefill_tok_s: number; decode_tok_s: number; prompt_tokens: number }[] = [];
for (const name of ['gpt2-tiny', 'llama-tiny']) {
  const dir = new URL(`../../../fixtures/models/${name}/`, import.meta.url);
  const config = configFromHuggingFace(readFileSync(new URL('config.json', dir), 'utf8'));
  const tensors = readSafetensors(new Uint8Array(readFileSync(new URL('model.safetensors', dir))));
  const model = loadTransformer({ config, tensors, backend: createReferenceBackend() });
  const prompt = (JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { prompt_ids: number[] })
    .prompt_ids;
  const prefill: number[] = [];
  const decode: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    model.forward(prompt);
    prefill.push((prompt.length * 1000) / (performance.now() - t0));
    t0 = performance.now();
    for (let i = 0; i < decodeSteps; i++) model.forwardCached([i % config.vocabSize], { lastOnly: true });
    decode.push((decodeSteps * 1000) / (performance.now() - t0));
  }
  rows.push({
    model: name,
    prefill_tok_s: median(prefill),
    decode_tok_s: median(decode),
    prompt_tokens: prompt.length,
  });
}

console.log('model        prompt  prefill tok/s  decode tok/s   (js-ref backend, median of 7)');
for (const r of rows) {
  console.log(
    `${r.model.padEnd(12)} ${String(r.prompt_tokens).padStart(6)} ${r.prefill_tok_s.toFixed(0).padStart(14)} ${r.decode_tok_s.toFixed(0).padStart(13)}`,
  );
}
console.log(JSON.stringify({ backend: 'js-ref', runs, decode_steps: decodeSteps, results: rows }));
