// The page: wires the controls to the runtime worker and draws each stage of the pipeline.
//   text ─▶ ① tokens ─▶ ② embeddings ─▶ ③ attention ─▶ ④ next-token probabilities ─▶ ⑤ generation

import './style.css';
import { byId, fixed, h } from './dom';
import { renderAttention, setupAttention, setupAttentionPickers } from './panels/attend';
import { setupBpe } from './panels/bpe';
import { renderCosine, renderEmbed } from './panels/embed';
import { readFilters, renderSample } from './panels/sample';
import { renderTokens } from './panels/tokenize';
import type { Analysis, ModelInfo, ModelSource, Reply, Request } from './protocol';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (request: Request) => worker.postMessage(request);

/** Worker threads for the kernels: only a cross-origin isolated page has SharedArrayBuffer. */
const threads = globalThis.crossOriginIsolated
  ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
  : 1;

let info: ModelInfo | undefined;
let analysis: Analysis | undefined;
let requestId = 0;
let latestAnalysis = 0;
let generation: { id: number; tokens: number; started: number } | undefined;

const prompt = byId<HTMLTextAreaElement>('prompt');
const status = byId('model-status');
const progress = byId<HTMLProgressElement>('load-progress');
const generateButton = byId<HTMLButtonElement>('generate-button');
const stopButton = byId<HTMLButtonElement>('stop-button');
const output = byId('output');

document.body.dataset.state = 'loading';
byId('model-note').textContent =
  'The embedded default model is the one the llmf CLI ships: a 3.5 M-parameter GPT-2 trained on the King James Bible. It writes King James English whose grammar holds over a clause or two and whose meaning does not. You can load any other model folder too.';

// ——— loading ———

function load(source: ModelSource, what: string): void {
  if (generation) endGeneration('Stopped: another model is loading.');
  info = undefined;
  analysis = undefined;
  document.body.dataset.state = 'loading';
  progress.value = 0;
  progress.hidden = false;
  status.textContent = `Loading ${what}…`;
  generateButton.disabled = true;
  send({ type: 'load', source, threads });
}

function loadDefault(): void {
  load({ kind: 'url', base: new URL('models/default/', document.baseURI).href }, 'the default model');
}

byId('load-default').addEventListener('click', loadDefault);
byId<HTMLInputElement>('folder-input').addEventListener('change', (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  if (files.length > 0) load({ kind: 'files', files }, `${files.length} files`);
});

const drop = byId('drop-zone');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const files = await droppedFiles(e.dataTransfer);
  if (files.length === 0) status.textContent = 'Nothing to load: drop a folder (or its files).';
  else load({ kind: 'files', files }, `${files.length} dropped files`);
});
drop.addEventListener('click', () => byId('folder-input').click());

/** The files of a drop: a dropped folder is read recursively (entries API), loose files are taken as is. */
async function droppedFiles(data: DataTransfer | null): Promise<File[]> {
  if (!data) return [];
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.()).filter((e) => e != null);
  if (entries.length === 0) return [...data.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(
        await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)),
      );
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

function showInfo(i: ModelInfo): void {
  const rows: [string, string][] = [
    ['architecture', `${i.modelType}, ${i.nLayer} layers × ${i.nHead} heads, d_model ${i.dModel}`],
    ['vocabulary', `${i.vocabSize.toLocaleString('en')} tokens`],
    ['context', `${i.maxPositions} positions (panels look at the first ${i.inspectTokens} tokens)`],
    ['positions', i.positions],
    ['parameters', i.parameters.toLocaleString('en')],
    [
      'kernels',
      `${i.backendName}, ${i.threads} thread${i.threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? ' (page is cross-origin isolated)' : ' (page is not cross-origin isolated: one thread)'}`,
    ],
    ['files', i.files.join(', ')],
  ];
  byId('model-info').replaceChildren(
    ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]),
  );
}

// ——— analysis: one forward pass per text change (debounced) ———

let timer: ReturnType<typeof setTimeout> | undefined;
function analyzeSoon(): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (!info) return;
    if (prompt.value.length === 0) {
      showAnalysisError('Type some text to look at.');
      return;
    }
    latestAnalysis = ++requestId;
    send({ type: 'analyze', id: latestAnalysis, text: prompt.value });
  }, 120);
}
prompt.addEventListener('input', analyzeSoon);

function showAnalysisError(message: string | undefined): void {
  const el = byId('analysis-error');
  el.hidden = message === undefined;
  el.textContent = message ?? '';
}

function renderAnalysis(a: Analysis): void {
  if (!info) return;
  analysis = a;
  showAnalysisError(undefined);
  renderTokens(a, prompt.value);
  renderEmbed(a, info);
  renderAttention(a, info);
  renderSample(a.nextLogits, info.vocab);
  document.body.dataset.state = 'ready';
}

for (const id of ['temperature', 'top-k', 'top-p']) {
  byId(id).addEventListener('input', () =>
    analysis && info ? renderSample(analysis.nextLogits, info.vocab) : readFilters(),
  );
}
for (const id of ['cos-a', 'cos-b']) byId(id).addEventListener('change', () => info && renderCosine(info));
setupAttention(() => info);
setupBpe();

// ——— generation ———

generateButton.addEventListener('click', () => {
  if (!info || generation) return;
  const f = readFilters();
  const seed = Math.max(0, Math.floor(Number(byId<HTMLInputElement>('seed').value) || 0));
  const maxTokens = Math.max(1, Math.floor(Number(byId<HTMLInputElement>('max-tokens').value) || 1));
  const id = ++requestId;
  generation = { id, tokens: 0, started: performance.now() };
  output.replaceChildren(h('span', { class: 'prompt-text', text: prompt.value }));
  byId('generate-stats').textContent = 'Generating…';
  generateButton.disabled = true;
  stopButton.disabled = false;
  send({
    type: 'generate',
    id,
    prompt: prompt.value,
    options: {
      maxTokens,
      temperature: f.temperature,
      seed,
      ...(f.topK > 0 ? { topK: f.topK } : {}),
      ...(f.topP < 1 ? { topP: f.topP } : {}),
    },
  });
});
stopButton.addEventListener('click', () => generation && send({ type: 'abort', id: generation.id }));

function endGeneration(text: string): void {
  generation = undefined;
  generateButton.disabled = info === undefined;
  stopButton.disabled = true;
  byId('generate-stats').textContent = text;
}

// ——— the worker's replies ———

worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data;
  switch (r.type) {
    case 'progress':
      progress.max = Math.max(1, r.total);
      progress.value = r.loaded;
      status.textContent = `Reading ${r.file}… ${(r.loaded / 1e6).toFixed(1)} / ${(r.total / 1e6).toFixed(1)} MB`;
      break;
    case 'loaded':
      info = r.info;
      progress.value = progress.max;
      status.textContent = `Loaded: ${r.info.modelType}, ${r.info.parameters.toLocaleString('en')} parameters.`;
      showInfo(r.info);
      setupAttentionPickers(r.info);
      generateButton.disabled = false;
      document.body.dataset.state = 'loaded';
      analyzeSoon();
      break;
    case 'load-error':
      progress.value = 0;
      status.textContent = `Could not load that model: ${r.message}`;
      document.body.dataset.state = 'load-error';
      break;
    case 'analysis':
      if (r.id === latestAnalysis) renderAnalysis(r);
      break;
    case 'token':
      if (generation?.id !== r.id) break;
      generation.tokens++;
      output.append(r.text);
      byId('generate-stats').textContent =
        `${generation.tokens} tokens · ${fixed(generation.tokens / ((performance.now() - generation.started) / 1000), 1)} tok/s`;
      break;
    case 'done':
      if (generation?.id !== r.id) break;
      endGeneration(
        `${r.tokens} tokens in ${r.seconds.toFixed(2)} s · ${fixed(r.tokens / Math.max(r.seconds, 1e-9), 1)} tok/s (prompt prefill included) · ended: ${reasonText(r.reason)} · seed ${r.seed}`,
      );
      break;
    case 'error':
      if (generation?.id === r.id) endGeneration(`Generation failed: ${r.message}`);
      else if (r.id === latestAnalysis) showAnalysisError(r.message);
      break;
  }
};
worker.onerror = (e) => {
  status.textContent = `The runtime worker failed: ${e.message}`;
};

function reasonText(reason: string): string {
  const reasons: Record<string, string> = {
    eos: 'end-of-sequence token',
    length: 'max tokens reached',
    stop: 'stop string',
    abort: 'stopped',
    context: 'context window full',
  };
  return reasons[reason] ?? reason;
}

readFilters();
loadDefault();
