// Prefix caching in generate(): a prompt that shares its first ids with what the KV cache holds (the last
// prompt + the tokens fed after it) prefills only the rest, and gives exactly the tokens of a fresh start —
// greedy and seeded sampling, after finished, aborted and abandoned generations, and after forward().

import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { createReferenceBackend, readSafetensors } from '@llmf/tensor';
import { configFromHuggingFace, loadTransformer, type Transformer } from '@llmf/transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenerationModel, startGeneration } from '../src/generate';
import { type Generation, type LLM, loadModel } from '../src/index';
import { collect, gpt2, llama } from './llm-helpers';

const backends = ['js', 'wasm'] as const;
const keys = [gpt2, llama].flatMap((f) => backends.map((b) => `${f.name}/${b}`));
const models: Record<string, { reused: LLM; fresh: LLM }> = {};
beforeAll(async () => {
  for (const backend of backends) {
    for (const f of [gpt2, llama]) {
      models[`${f.name}/${backend}`] = {
        reused: await loadModel(f.dir, { backend }),
        fresh: await loadModel(f.dir, { backend }),
      };
    }
  }
});
afterAll(() => {
  for (const { reused, fresh } of Object.values(models)) {
    reused.dispose();
    fresh.dispose();
  }
});

/** Iterate a generation, stopping after `stopAfter` tokens by aborting or by leaving the loop (or never). */
async function run(
  start: (signal: AbortSignal) => Generation,
  stopAfter: number | undefined,
  how: 'abort' | 'break',
): Promise<{ ids: number[]; generation: Generation }> {
  const controller = new AbortController();
  const generation = start(controller.signal);
  const ids: number[] = [];
  for await (const { id } of generation) {
    ids.push(id);
    if (ids.length === stopAfter) {
      if (how === 'break') break;
      controller.abort();
    }
  }
  return { ids, generation };
}

/** One call on the model under test: a generation (maybe cut short) or a forward pass. */
const arbStep = fc.record({
  kind: fc.constantFrom('generate', 'generate', 'generate', 'forward'),
  base: fc.nat(), // which earlier prompt (or generated sequence) to share a prefix with
  keep: fc.nat(), // how many of its ids to share
  suffix: fc.array(fc.nat(), { maxLength: 5 }),
  greedy: fc.boolean(),
  seed: fc.nat(),
  maxTokens: fc.integer({ min: 1, max: 6 }),
  stopAfter: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  how: fc.constantFrom('abort' as const, 'break' as const),
});

describe('prefix caching', () => {
  test.prop([fc.constantFrom(...keys), fc.array(arbStep, { minLength: 2, maxLength: 6 })], { numRuns: 40 })(
    'each generation equals a fresh start of the same prompt; only the uncached part is prefilled',
    async (key, steps) => {
      const { reused, fresh } = models[key];
      const V = reused.tokenizer.vocabSize;
      const seen: number[][] = [gpt2.promptIds]; // prompts and prompt + output sequences so far
      for (const step of steps) {
        const base = seen[step.base % seen.length];
        const prompt = [...base.slice(0, step.keep % (base.length + 1)), ...step.suffix.map((n) => n % V)];
        if (prompt.length === 0) prompt.push(0);
        if (step.kind === 'forward') {
          await reused.forward(prompt);
          continue;
        }
        const options = (signal: AbortSignal) => ({
          temperature: step.greedy ? 0 : 1,
          seed: step.seed,
          maxTokens: step.maxTokens,
          signal,
        });
        const a = await run((s) => reused.generate(prompt, options(s)), step.stopAfter, step.how);
        await fresh.forward([0]); // clears the fresh model's prefix record: it prefills everything
        const b = await run((s) => fresh.generate(prompt, options(s)), step.stopAfter, step.how);
        expect(a.ids).toEqual(b.ids);
        expect(b.generation.stats.cachedTokens).toBe(0);
        const stats = a.generation.stats;
        expect(stats.promptTokens).toBe(prompt.length);
        expect(stats.cachedTokens + stats.prefillTokens).toBe(prompt.length);
        expect(stats.prefillTokens).toBeGreaterThanOrEqual(1);
        // sampled tokens: the streamed ones, and any still held back (an incomplete character) at an abort
        expect(stats.generatedTokens).toBeGreaterThanOrEqual(a.ids.length);
        expect(stats.generatedTokens).toBeLessThanOrEqual(step.maxTokens);
        seen.push(prompt, [...prompt, ...a.ids]);
      }
    },
  );

  it('a follow-up prompt extending the last prompt + output prefills only the new ids', async () => {
    const { reused } = models['gpt2-tiny/js'];
    await reused.forward([0]); // start with an empty record
    const first = reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 5 });
    const { ids } = await collect(first);
    expect(first.stats).toEqual({
      promptTokens: gpt2.promptIds.length,
      cachedTokens: 0,
      prefillTokens: gpt2.promptIds.length,
      generatedTokens: 5,
    });
    // the 5th token was sampled but never fed: the cache holds prompt + 4 generated ids
    const next = [...gpt2.promptIds, ...ids, 7, 8, 9];
    const second = reused.generate(next, { temperature: 0, maxTokens: 2 });
    await collect(second);
    expect(second.stats.cachedTokens).toBe(gpt2.promptIds.length + 4);
    expect(second.stats.prefillTokens).toBe(4);
    // the same prompt again: all but its last id come from the cache
    const again = reused.generate(next, { temperature: 0, maxTokens: 1 });
    await collect(again);
    expect(again.stats.cachedTokens).toBe(next.length - 1);
    expect(again.stats.prefillTokens).toBe(1);
  });

  it('forward() clears the record; a failing prompt changes nothing', async () => {
    const { reused } = models['llama-tiny/js'];
    await collect(reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 3 }));
    await reused.forward(gpt2.promptIds);
    const after = reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 1 });
    await collect(after);
    expect(after.stats.cachedTokens).toBe(0);
    expect(() => reused.generate([reused.config.vocabSize], { maxTokens: 1 })).toThrow(
      /outside the vocabulary/,
    );
    const again = reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 1 });
    await collect(again);
    expect(again.stats.cachedTokens).toBe(gpt2.promptIds.length - 1);
  });
});

describe('prefix caching after a failure', () => {
  /** gpt2-tiny on the reference backend behind the loop's model interface; `failAt` makes that forwardCached call throw. */
  function faultyModel(tokenizer: LLM['tokenizer']) {
    const config = configFromHuggingFace(readFileSync(`${gpt2.dir}/config.json`, 'utf8'));
    const tensors = readSafetensors(new Uint8Array(readFileSync(`${gpt2.dir}/model.safetensors`)));
    const real = loadTransformer({ config, tensors, backend: createReferenceBackend() });
    const state = { calls: 0, failAt: -1 };
    const forwardCached: Transformer['forwardCached'] = (ids, o) => {
      if (state.calls++ === state.failAt) {
        real.forwardCached(Array.from(ids).slice(0, 1)); // the cache moved before the failure
        throw new Error('injected failure');
      }
      return real.forwardCached(ids, o);
    };
    const transformer = new Proxy(real, {
      get(target, key) {
        if (key === 'forwardCached') return forwardCached;
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const model: GenerationModel = {
      tokenizer,
      config,
      transformer,
      promptPrefix: [],
      acquire() {},
      release() {},
      usable: () => true,
      cachedIds: [],
    };
    return { model, state };
  }

  it.each([0, 1, 3])(
    'forwardCached call %i fails: the error surfaces, the next run equals a fresh one',
    async (failAt) => {
      const { fresh } = models['gpt2-tiny/js'];
      const { model, state } = faultyModel(fresh.tokenizer);
      await collect(startGeneration(model, gpt2.promptIds, { temperature: 0, maxTokens: 4 }));
      state.calls = 0;
      state.failAt = failAt;
      const prompt = [...gpt2.promptIds, 5];
      await expect(collect(startGeneration(model, prompt, { temperature: 0, maxTokens: 6 }))).rejects.toThrow(
        'injected failure',
      );
      expect(model.cachedIds).toEqual([]);
      state.failAt = -1;
      const after = startGeneration(model, prompt, { seed: 9, maxTokens: 6 });
      const { ids } = await collect(after);
      expect(after.stats.cachedTokens).toBe(0);
      await fresh.forward([0]);
      expect(ids).toEqual((await collect(fresh.generate(prompt, { seed: 9, maxTokens: 6 }))).ids);
    },
  );
});

describe('resetCache', () => {
  it('the next generation prefills its whole prompt; refused while a generation runs', async () => {
    const { reused } = models['gpt2-tiny/js'];
    await collect(reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 2 }));
    reused.resetCache();
    const after = reused.generate(gpt2.promptIds, { temperature: 0, maxTokens: 2 });
    const iterator = after[Symbol.asyncIterator]();
    await iterator.next();
    expect(after.stats.cachedTokens).toBe(0);
    expect(after.stats.prefillTokens).toBe(gpt2.promptIds.length);
    expect(() => reused.resetCache()).toThrow(/a generation is running/);
    await iterator.return?.();
  });
});
