// ② Embed: E[id] rows, the position rows added to them, and their sum, as heatmaps [T, C]; cosine
// similarity between two chosen tokens.

import { byId, diverging, fixed, h, visible } from '../dom';
import type { Analysis, ModelInfo } from '../protocol';
import { cosineSimilarity } from '../sampling-table';

const ROW = 14; // css px per token row

/** A [T, C] heatmap: one canvas pixel per value, scaled by the largest |value|. */
function heatmap(title: string, rows: Float32Array, T: number, C: number, labels: string[]): HTMLElement {
  let max = 0;
  for (const v of rows) max = Math.max(max, Math.abs(v));
  const canvas = h('canvas', {
    width: C,
    height: T,
    role: 'img',
    'aria-label': `${title}: ${T} tokens × ${C} dimensions`,
  });
  canvas.style.width = `${Math.max(C * 3, 240)}px`;
  canvas.style.height = `${T * ROW}px`;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(C, T);
  for (let i = 0; i < T * C; i++) {
    const [r, g, b] = diverging(max === 0 ? 0 : rows[i] / max);
    image.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return h(
    'div',
    { class: 'heat' },
    h('h3', { text: `${title} (|max| = ${fixed(max)})` }),
    h('div', { class: 'labels', 'aria-hidden': 'true' }, ...labels.map((l) => h('span', { text: l }))),
    canvas,
  );
}

let last: Analysis | undefined;

/** Draw the heatmaps and fill the cosine pickers for a new analysis. */
export function renderEmbed(a: Analysis, info: ModelInfo): void {
  last = a;
  const T = a.ids.length;
  const C = info.dModel;
  byId('embed-dims').textContent = String(C);
  const labels = a.pieces.map((p, t) => `${t} ${visible(p)}`);
  const maps = [heatmap('Token embedding E[id]', a.tokenEmbeddings, T, C, labels)];
  if (a.positionEmbeddings) {
    const sum = new Float32Array(T * C); // input = E[id] + P[t]
    for (let i = 0; i < T * C; i++) sum[i] = a.tokenEmbeddings[i] + a.positionEmbeddings[i];
    const kind = info.positions === 'learned' ? 'learned' : 'sinusoidal';
    maps.push(heatmap(`Position vector P[t] (${kind})`, a.positionEmbeddings, T, C, labels));
    maps.push(heatmap('Input = E[id] + P[t]', sum, T, C, labels));
  } else {
    maps.push(
      h('p', {
        class: 'note',
        text: 'This model uses RoPE: no position vector is added here; queries and keys are rotated by a position-dependent angle inside attention.',
      }),
    );
  }
  byId('embed-maps').replaceChildren(...maps);
  for (const [id, pick] of [
    ['cos-a', 0],
    ['cos-b', Math.min(1, T - 1)],
  ] as const) {
    const select = byId<HTMLSelectElement>(id);
    const keep = select.options.length > 0 ? Number(select.value) : pick; // the choice survives new text
    select.replaceChildren(...labels.map((l, t) => h('option', { value: t, text: l })));
    select.value = String(keep < T ? keep : pick);
  }
  renderCosine(info);
}

/** cos(E[a], E[b]) and, with positions, cos(input a, input b). */
export function renderCosine(info: ModelInfo): void {
  const a = last;
  if (!a) return;
  const C = info.dModel;
  const i = Number(byId<HTMLSelectElement>('cos-a').value);
  const j = Number(byId<HTMLSelectElement>('cos-b').value);
  const row = (m: Float32Array, t: number) => m.subarray(t * C, (t + 1) * C);
  const tokens = cosineSimilarity(row(a.tokenEmbeddings, i), row(a.tokenEmbeddings, j));
  let text = `cosine(E["${a.pieces[i]}"], E["${a.pieces[j]}"]) = ${fixed(tokens)}`;
  if (a.positionEmbeddings) {
    const input = (t: number) =>
      row(a.tokenEmbeddings, t).map((v, k) => v + a.positionEmbeddings![t * C + k]);
    text += ` · with positions added: ${fixed(cosineSimilarity(input(i), input(j)))}`;
  }
  byId('cos-out').textContent = text;
}
