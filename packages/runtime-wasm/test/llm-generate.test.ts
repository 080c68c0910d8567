// generate(): stopping (EOS, maxTokens, stop strings, abort, full context), seeded sampling against a plain
// full-recompute reference loop, streaming text, one generation at a time, and errors before any work.
import { fc, test } from '@fast-check/vitest';
import { createRng, sample } from '@llmf/sampling';
import { readSafetensors, type Tensor, writeSafetensors } from '@llmf/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LLM, loadModel } from '../src/index';
import { collect, expectLlmfError, filesOf, gpt2, llama } from './llm-helpers';

let llm: LLM; // gpt2-tiny
let llamaLlm: LLM;
beforeAll(async () => {
  llm = await loadModel(gpt2.dir, { backend: 'js' });
  llamaLlm = await loadModel(llama.dir, { backend: 'js' });
});

/** The reference: no KV cache, the whole sequence recomputed each step, the sampler called directly. */
async function referenceIds(
  model: LLM,
  promptIds: number[],
  n: number,
  o: Parameters<typeof sample>[1] & { seed: number },
) {
  const rng = createRng(o.seed);
  const ids = promptIds.slice();
  const V = model.config.vocabSize;
  const out: number[] = [];
  for (let step = 0; step < n; step++) {
    const logits = await model.forward(ids);
    const last = logits.subarray((ids.length - 1) * V); // row T−1 of [T, V]
    const id = sample(last, {
      ...o,
      seed: undefined,
      previousIds: o.repetitionPenalty ? ids : undefined,
      rng,
    });
    if (model.config.eosTokenIds.includes(id)) break;
    ids.push(id);
    out.push(id);
  }
  return out;
}

describe('sampling', () => {
  it.each([
    [{ temperature: 1, seed: 1 }],
    [{ temperature: 0.8, topK: 40, topP: 0.9, seed: 2 }],
    [{ temperature: 1.2, minP: 0.05, repetitionPenalty: 1.3, seed: 3 }],
    [{ temperature: 0, repetitionPenalty: 5, seed: 4 }],
  ])('%j equals the full-recompute reference loop', async (options) => {
    for (const model of [llm, llamaLlm]) {
      const { ids } = await collect(model.generate(gpt2.promptIds, { ...options, maxTokens: 10 }));
      expect(ids).toEqual(await referenceIds(model, gpt2.promptIds, 10, options));
    }
  });

  it('the same seed gives the same tokens; the default seed is random and can be read back', async () => {
    const a = await collect(llm.generate(gpt2.prompt, { seed: 42, maxTokens: 10 }));
    const b = await collect(llm.generate(gpt2.prompt, { seed: 42, maxTokens: 10 }));
    expect(b.ids).toEqual(a.ids);
    const first = llm.generate(gpt2.prompt, { maxTokens: 10 });
    const second = llm.generate(gpt2.prompt, { maxTokens: 10 });
    expect(first.seed).not.toBe(second.seed); // two draws of 2³² values
    const run = await collect(first);
    expect((await collect(llm.generate(gpt2.prompt, { maxTokens: 10, seed: first.seed }))).ids).toEqual(
      run.ids,
    );
  });

  it('repetitionPenalty is applied to prompt and output (a large one never repeats a token greedily)', async () => {
    const { ids } = await collect(
      llm.generate(gpt2.promptIds, { temperature: 0, repetitionPenalty: 1000, maxTokens: 12 }),
    );
    const seen = new Set(gpt2.promptIds);
    for (const id of ids) {
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
  });
});

describe('streaming text', () => {
  test.prop([fc.nat(), fc.double({ min: 0.5, max: 2, noNaN: true })], { numRuns: 15 })(
    'the chunks concatenate to tokenizer.decode(ids), one chunk per id',
    async (seed, temperature) => {
      const { ids, text, chunks } = await collect(
        llm.generate(gpt2.prompt, { seed, temperature, maxTokens: 16 }),
      );
      expect(chunks).toHaveLength(ids.length);
      expect(text).toBe(llm.tokenizer.decode(ids));
    },
  );
});

describe('stopping', () => {
  it('at a stop string: the output ends right before it, its text never reaches the caller', async () => {
    const full = await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }));
    // every substring of the greedy text that starts after the first chunk is a valid stop string
    for (const [from, length] of [
      [3, 4],
      [8, 2],
      [full.text.length - 3, 3],
    ]) {
      const stop = full.text.slice(from, from + length);
      const cut = full.text.indexOf(stop);
      const generation = llm.generate(gpt2.prompt, {
        temperature: 0,
        maxTokens: 12,
        stop: ['never-in-output', stop],
      });
      const run = await collect(generation);
      expect(run.text).toBe(full.text.slice(0, cut));
      expect(full.ids.slice(0, run.ids.length)).toEqual(run.ids);
      expect(generation.finishReason).toBe('stop');
    }
  });

  it('a stop string that never appears changes nothing', async () => {
    const full = await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }));
    const run = await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12, stop: '\u0000' }));
    expect(run).toEqual(full);
  });

  test.prop([fc.nat(), fc.nat(), fc.integer({ min: 1, max: 6 })], { numRuns: 15 })(
    'property: with a substring of a sampled output as stop string, the same seed stops right before its first occurrence',
    async (seed, start, length) => {
      const full = await collect(llm.generate(gpt2.prompt, { seed, maxTokens: 12 }));
      const chars = Array.from(full.text); // whole characters, never half a surrogate pair
      fc.pre(chars.length > 0);
      const from = start % chars.length;
      const stop = chars.slice(from, from + length).join('');
      const run = await collect(llm.generate(gpt2.prompt, { seed, maxTokens: 12, stop }));
      expect(run.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
      expect(full.ids.slice(0, run.ids.length)).toEqual(run.ids);
    },
  );

  it('abort after 3 tokens gives exactly 3 tokens, ends cleanly, and the model still works', async () => {
    const controller = new AbortController();
    const ids: number[] = [];
    const generation = llm.generate(gpt2.prompt, {
      temperature: 0,
      maxTokens: 12,
      signal: controller.signal,
    });
    for await (const { id } of generation) {
      ids.push(id);
      if (ids.length === 3) controller.abort();
    }
    expect(ids).toEqual(gpt2.greedyIds.slice(0, 3));
    expect(generation.finishReason).toBe('abort');
    const again = await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }));
    expect(again.ids).toEqual(gpt2.greedyIds);
  });

  it('an abort from a timer lands between tokens (the loop gives the event loop a turn per token)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const generation = llm.generate(gpt2.prompt, {
      temperature: 0,
      maxTokens: 100,
      signal: controller.signal,
    });
    const { ids } = await collect(generation);
    expect(ids.length).toBeLessThan(100);
    expect(ids.slice(0, 12)).toEqual(gpt2.greedyIds.slice(0, Math.min(12, ids.length)));
    expect(generation.finishReason).toBe('abort');
  });

  it('an already aborted signal yields nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const generation = llm.generate(gpt2.prompt, { signal: controller.signal });
    expect((await collect(generation)).ids).toEqual([]);
    expect(generation.finishReason).toBe('abort');
  });

  it('maxTokens bounds the output', async () => {
    for (const maxTokens of [1, 5]) {
      const generation = llm.generate(gpt2.prompt, { temperature: 0, maxTokens });
      expect((await collect(generation)).ids).toEqual(gpt2.greedyIds.slice(0, maxTokens));
      expect(generation.finishReason).toBe('length');
    }
  });

  it('EOS ends the generation, and the EOS token is not yielded', async () => {
    // make the 4th greedy token the end-of-sequence token through a modified config.json
    const eos = gpt2.greedyIds[3];
    expect(gpt2.greedyIds.slice(0, 3)).not.toContain(eos);
    const files = filesOf(gpt2.dir);
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    const model = await loadModel(
      { ...files, 'config.json': JSON.stringify({ ...config, eos_token_id: eos }) },
      { backend: 'js' },
    );
    const generation = model.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 });
    expect((await collect(generation)).ids).toEqual(gpt2.greedyIds.slice(0, 3));
    expect(generation.finishReason).toBe('eos');
    model.dispose();
  });

  it('generation_config.json can add EOS ids', async () => {
    const eos = gpt2.greedyIds[2];
    const files = filesOf(gpt2.dir);
    const model = await loadModel({
      ...files,
      'generation_config.json': JSON.stringify({ eos_token_id: [1024, eos] }),
    });
    expect(model.config.eosTokenIds).toEqual([1024, eos]);
    expect((await collect(model.generate(gpt2.prompt, { temperature: 0 }))).ids).toEqual(
      gpt2.greedyIds.slice(0, 2),
    );
    model.dispose();
  });

  it('a full context ends the generation; the default maxTokens fills the room left', async () => {
    const model = await loadModel(gpt2.dir, { backend: 'js', contextLength: 14 });
    expect(model.contextLength).toBe(14);
    const generation = model.generate(gpt2.promptIds, { temperature: 0, maxTokens: 12 });
    expect((await collect(generation)).ids).toEqual(gpt2.greedyIds.slice(0, 4)); // 10 prompt + 4 = 14
    expect(generation.finishReason).toBe('context');
    const byDefault = model.generate(gpt2.promptIds, { temperature: 0 });
    expect((await collect(byDefault)).ids).toHaveLength(4);
    expect(byDefault.finishReason).toBe('length');
    model.dispose();
  });
});

describe('one generation at a time', () => {
  it('a second generation or a forward while one runs → BUSY; after break the model is free', async () => {
    const first = llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 });
    const firstToken = await first.next();
    expect(firstToken.value).toEqual({ id: gpt2.greedyIds[0], text: expect.any(String) });
    await expectLlmfError(() => llm.generate(gpt2.prompt).next(), 'BUSY', /a generation is running/);
    await expectLlmfError(() => llm.forward(gpt2.promptIds), 'BUSY');
    // the first generation is unharmed
    expect((await first.next()).value?.id).toBe(gpt2.greedyIds[1]);
    await first.return(undefined); // what `break` in for-await does
    expect((await collect(llm.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }))).ids).toEqual(
      gpt2.greedyIds,
    );
  });

  it('after break inside for-await, the model is free again', async () => {
    for await (const _ of llm.generate(gpt2.prompt, { maxTokens: 12, seed: 1 })) break;
    await expect(llm.forward([1, 2])).resolves.toHaveLength(2 * 1025);
  });
});

describe('errors before any work', () => {
  it.each([
    [
      'prompt longer than the context',
      () => llm.generate(new Array(128).fill(1)),
      'CONTEXT_OVERFLOW',
      /128 tokens but the context holds 128/,
    ],
    ['prompt id out of range', () => llm.generate([1, 1025]), 'UNKNOWN_TOKEN', /prompt id 1025 at index 1/],
    ['prompt id not an integer', () => llm.generate([1.5]), 'INVALID_ARGUMENT', /not an integer/],
    ['bad prompt', () => llm.generate(42 as unknown as string), 'INVALID_ARGUMENT', /string or an array/],
    [
      'negative temperature',
      () => llm.generate('a', { temperature: -1 }),
      'INVALID_ARGUMENT',
      /generate: temperature is -1/,
    ],
    ['topK 0', () => llm.generate('a', { topK: 0 }), 'INVALID_ARGUMENT', /generate: topK is 0/],
    ['topP 2', () => llm.generate('a', { topP: 2 }), 'INVALID_ARGUMENT', /topP is 2/],
    ['maxTokens 0', () => llm.generate('a', { maxTokens: 0 }), 'INVALID_ARGUMENT', /maxTokens is 0/],
    ['empty stop string', () => llm.generate('a', { stop: [''] }), 'INVALID_ARGUMENT', /stop must be/],
    ['bad seed', () => llm.generate('a', { seed: -1 }), 'INVALID_ARGUMENT', /seed is -1/],
    ['bad signal', () => llm.generate('a', { signal: {} as AbortSignal }), 'INVALID_ARGUMENT', /AbortSignal/],
    ['special token text', () => llm.generate('<|endoftext|>'), 'DISALLOWED_SPECIAL', undefined],
  ] as const)('%s', async (_, call, code, message) => {
    await expectLlmfError(call, code, message);
  });

  it('forward with bad ids fails typed and leaves the model working', async () => {
    await expectLlmfError(() => llm.forward([5, 2000]), 'UNKNOWN_TOKEN');
    await expectLlmfError(() => llm.forward([]), 'INVALID_ARGUMENT');
    await expectLlmfError(() => llm.forward(new Array(129).fill(0)), 'CONTEXT_OVERFLOW');
    const logits = await llm.forward(gpt2.promptIds);
    expect(Math.abs(logits[0] - gpt2.logits[0])).toBeLessThan(2e-4);
  });

  it('an empty prompt starts from BOS', async () => {
    const generation = llm.generate('', { temperature: 0, maxTokens: 3 });
    const { ids } = await collect(generation);
    expect(ids).toEqual((await collect(llm.generate([1024], { temperature: 0, maxTokens: 3 }))).ids);
  });

  it('a disposed model refuses work', async () => {
    const model = await loadModel(gpt2.dir, { backend: 'js' });
    model.dispose();
    await expectLlmfError(() => model.forward([1]), 'DISPOSED');
    await expectLlmfError(() => model.generate('a'), 'DISPOSED');
    model.dispose(); // twice is harmless
  });

  it('disposing during a generation ends it with DISPOSED at the next step', async () => {
    const model = await loadModel(gpt2.dir, { backend: 'js' });
    const generation = model.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 });
    await generation.next();
    model.dispose();
    await expectLlmfError(() => generation.next(), 'DISPOSED');
  });
});

describe('a vocabulary padded past the tokenizer', () => {
  it('never samples the padding ids (they have no text)', async () => {
    // pad wte [1025, 64] to [1088, 64] with rows that would win every greedy step: 10 × the first greedy id's row
    const files = filesOf(gpt2.dir);
    const tensors = readSafetensors(files['model.safetensors']);
    const wte = tensors.get('wte.weight') as Tensor;
    const C = wte.shape[1];
    const padded = new Float32Array(1088 * C);
    padded.set(wte.data);
    const winner = wte.data.subarray(gpt2.greedyIds[0] * C, (gpt2.greedyIds[0] + 1) * C);
    for (let row = 1025; row < 1088; row++) for (let c = 0; c < C; c++) padded[row * C + c] = 10 * winner[c];
    tensors.set('wte.weight', { shape: [1088, C], data: padded });
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    const model = await loadModel(
      {
        ...files,
        'config.json': JSON.stringify({ ...config, vocab_size: 1088 }),
        'model.safetensors': writeSafetensors(tensors),
      },
      { backend: 'js' },
    );
    const logits = await model.forward(gpt2.promptIds);
    expect(logits.length).toBe(gpt2.promptIds.length * 1088);
    expect(logits[(gpt2.promptIds.length - 1) * 1088 + 1087]).toBeGreaterThan(
      logits[(gpt2.promptIds.length - 1) * 1088 + gpt2.greedyIds[0]],
    );
    const { ids, text } = await collect(model.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 }));
    expect(ids).toEqual(gpt2.greedyIds);
    expect(text).toBe(model.tokenizer.decode(ids));
    for (let seed = 0; seed < 5; seed++) {
      const sampled = await collect(model.generate(gpt2.prompt, { seed, maxTokens: 12 }));
      expect(Math.max(...sampled.ids)).toBeLessThan(1025);
    }
    model.dispose();
    // an EOS id in the padding stays reachable: with eos 1087 (the strongest row) greedy ends at once
    const withEos = await loadModel(
      {
        ...files,
        'config.json': JSON.stringify({ ...config, vocab_size: 1088, eos_token_id: 1087 }),
        'model.safetensors': writeSafetensors(tensors),
      },
      { backend: 'js' },
    );
    const generation = withEos.generate(gpt2.prompt, { temperature: 0, maxTokens: 12 });
    expect((await collect(generation)).ids).toEqual([]);
    expect(generation.finishReason).toBe('eos');
    withEos.dispose();
  });
});
