// A failed load leaves nothing behind: the backend it created is disposed (tracked by wrapping @llmf/tensor's
// reference backend), and a load that fails before the weights never creates one.
import { readSafetensors, writeSafetensors } from '@llmf/tensor';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../src/index';
import { expectLlmfError, filesOf, gpt2 } from './llm-helpers';

const backends = vi.hoisted(() => [] as { disposed: number }[]);

vi.mock('@llmf/tensor', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@llmf/tensor')>();
  return {
    ...actual,
    createReferenceBackend: () => {
      const backend = actual.createReferenceBackend();
      const record = { disposed: 0 };
      backends.push(record);
      return {
        ...backend,
        dispose() {
          record.disposed++;
          backend.dispose();
        },
      };
    },
  };
});

vi.mock('../src/wasm/index', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/wasm/index')>();
  return {
    ...actual,
    createWasmBackend: async (o: Parameters<typeof actual.createWasmBackend>[0]) => {
      const backend = await actual.createWasmBackend(o);
      const record = { disposed: 0 };
      backends.push(record);
      // keep the backend object (its getters read live memory), wrapping only dispose
      const dispose = backend.dispose.bind(backend);
      backend.dispose = () => {
        record.disposed++;
        dispose();
      };
      return backend;
    },
  };
});

beforeEach(() => {
  backends.length = 0;
});

describe('nothing half-loaded', () => {
  it.each(['js', 'wasm'] as const)(
    'weights that do not fit the config: the %s backend is created, then disposed',
    async (backend) => {
      const files = filesOf(gpt2.dir);
      const tensors = readSafetensors(files['model.safetensors']);
      tensors.delete([...tensors.keys()].at(-1) as string);
      await expectLlmfError(
        () => loadModel({ ...files, 'model.safetensors': writeSafetensors(tensors) }, { backend }),
        'MODEL_FORMAT',
      );
      expect(backends).toEqual([{ disposed: 1 }]);
    },
  );

  it('a corrupt file fails before any backend exists', async () => {
    const files = filesOf(gpt2.dir);
    await expectLlmfError(
      () =>
        loadModel(
          { ...files, 'model.safetensors': files['model.safetensors'].slice(0, 64) },
          { backend: 'js' },
        ),
      'MODEL_FORMAT',
    );
    await expectLlmfError(
      () => loadModel({ ...files, 'tokenizer.json': '{"model": ' }, { backend: 'js' }),
      'TOKENIZER_FORMAT',
    );
    expect(backends).toEqual([]);
  });

  it('a good load keeps its backend until dispose()', async () => {
    const llm = await loadModel(gpt2.dir, { backend: 'js' });
    expect(backends).toEqual([{ disposed: 0 }]);
    llm.dispose();
    llm.dispose();
    expect(backends).toEqual([{ disposed: 1 }]);
  });
});
