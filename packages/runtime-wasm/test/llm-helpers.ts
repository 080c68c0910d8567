// Shared by the llm-*.test.ts files: the four fixture models (fixtures/models, see its README) and
// ways to build ModelFiles variants of them in memory.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LlmfError, readSafetensors } from '@llmf/tensor';
import { expect } from 'vitest';

export const fixturesDir = fileURLToPath(new URL('../../../fixtures/models/', import.meta.url));

export interface Fixture {
  name: string;
  dir: string;
  /** max |logit − expected| a correct f32 implementation meets (README of the fixtures). */
  tolerance: number;
  prompt: string;
  promptIds: number[];
  greedyIds: number[];
  greedyMargins: number[];
  /** Expected logits [T, V] for promptIds. */
  logits: Float32Array;
}

export const fixtures: Fixture[] = [
  ['gpt2-tiny', 2e-4],
  ['gpt2-tiny-f16', 1e-3],
  ['llama-tiny', 2e-4],
  ['llama-tiny-bf16', 1e-3],
].map(([name, tolerance]) => {
  const dir = `${fixturesDir}${name}`;
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8'));
  const logits = readSafetensors(new Uint8Array(readFileSync(`${dir}/expected.safetensors`))).get('logits');
  if (!logits) throw new Error(`${dir}/expected.safetensors has no "logits"`);
  return {
    name: name as string,
    dir,
    tolerance: tolerance as number,
    prompt: expected.prompt,
    promptIds: expected.prompt_ids,
    greedyIds: expected.greedy_ids,
    greedyMargins: expected.greedy_margins,
    logits: logits.data,
  };
});

export const gpt2 = fixtures[0];
export const llama = fixtures[2];

/** Every file of a fixture folder as a ModelFiles map (name → bytes), to modify in tests. */
export function filesOf(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir)) files[name] = new Uint8Array(readFileSync(`${dir}/${name}`));
  return files;
}

/** Collect a generation's ids and text. */
export async function collect(
  stream: AsyncIterable<{ id: number; text: string }>,
): Promise<{ ids: number[]; text: string; chunks: string[] }> {
  const ids: number[] = [];
  const chunks: string[] = [];
  for await (const { id, text } of stream) {
    ids.push(id);
    chunks.push(text);
  }
  return { ids, text: chunks.join(''), chunks };
}

/** Run `call` and check it fails with an LlmfError of `code` whose message matches `message`. */
export async function expectLlmfError(
  call: () => unknown,
  code: string,
  message?: RegExp,
): Promise<LlmfError> {
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(LlmfError.isInstance(error), `expected an LlmfError, got ${String(error)}`).toBe(true);
  expect((error as LlmfError).code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  return error as LlmfError;
}
