// loadTokenizer: a model's tokenizer, config and prompt encoding without reading its weights; encodePrompt
// equals the loaded LLM's (BOS when tokenizer_config.json asks for it).
import { describe, expect, it } from 'vitest';
import { loadModel, loadTokenizer } from '../src/index';
import { expectLlmfError, filesOf, gpt2, llama } from './llm-helpers';

describe('loadTokenizer', () => {
  it.each([
    ['gpt2-tiny as is', {}],
    ['gpt2-tiny with add_bos_token', { add_bos_token: true, bos_token: '<|endoftext|>' }],
  ])('%s: the same ids as the LLM, no weights read', async (_, tokenizerConfig) => {
    const files: Record<string, Uint8Array | string> = {
      ...filesOf(gpt2.dir),
      'tokenizer_config.json': JSON.stringify(tokenizerConfig),
    };
    const read: string[] = [];
    const reader = {
      read: async (name: string) => {
        read.push(name);
        return Object.hasOwn(files, name) ? files[name] : undefined;
      },
    };
    const t = await loadTokenizer(reader);
    expect(read).not.toContain('model.safetensors');
    const llm = await loadModel(files, { backend: 'js' });
    expect(t.encodePrompt(gpt2.prompt)).toEqual(llm.encodePrompt(gpt2.prompt));
    expect(t.config).toEqual(llm.config);
    const bos = 'add_bos_token' in tokenizerConfig ? [llm.config.bosTokenId] : [];
    expect(t.encodePrompt(gpt2.prompt)).toEqual([...bos, ...gpt2.promptIds]);
    llm.dispose();
  });

  it('the same checks as loadModel', async () => {
    await expectLlmfError(
      () => loadTokenizer(llama.dir.replace(/llama-tiny$/, 'no-such-model')),
      'NOT_FOUND',
    );
    const { 'config.json': _, ...noConfig } = filesOf(llama.dir);
    await expectLlmfError(() => loadTokenizer(noConfig), 'MODEL_FORMAT', /config\.json is missing/);
  });
});
