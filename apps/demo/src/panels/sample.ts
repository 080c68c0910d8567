// ④ Sample: the next token's probabilities from the model's real logits, under live temperature, top-k and
// top-p, showing which tokens survive each filter (the seed's §5 tables).

import { byId, fixed, h, visible } from '../dom';
import { type Filters, samplingTable } from '../sampling-table';

/** Candidates shown (index.html says 15). */
const ROWS = 15;

/** The filter controls' current values. */
export function readFilters(): Filters {
  const temperature = Number(byId<HTMLInputElement>('temperature').value);
  const topK = Math.max(0, Math.floor(Number(byId<HTMLInputElement>('top-k').value) || 0));
  const topP = Number(byId<HTMLInputElement>('top-p').value);
  byId('temperature-out').textContent = temperature.toFixed(2);
  byId('top-p-out').textContent = topP.toFixed(2);
  return { temperature, topK, topP };
}

/** Draw the table for next-token logits [V]; `vocab[id]` is each token's text. */
export function renderSample(logits: Float32Array, vocab: string[]): void {
  const f = readFilters();
  const t = samplingTable(logits, f, ROWS);
  byId('sample-sum').textContent =
    `Σ p over all ${logits.length} tokens = ${t.probabilitySum.toFixed(4)} · ` +
    `${t.survivors} token${t.survivors === 1 ? '' : 's'} survive the filters, Σ = ${t.finalSum.toFixed(4)}` +
    (f.temperature === 0 ? ' · T = 0 is greedy: all probability on the top token' : '');
  // bars are scaled to the largest probability in the table, so near-uniform distributions stay visible
  const top = Math.max(...t.rows.map((r) => Math.max(r.probability, r.afterTopK, r.afterTopP)), 1e-12);
  const bar = (p: number, cls: string) =>
    h('span', { class: `bar ${cls}`, style: `width:${Math.round((p / top) * 100)}px` });
  const head = h(
    'tr',
    {},
    ...[
      'token',
      'id',
      'logit',
      `p (T=${f.temperature.toFixed(2)})`,
      `top-k${f.topK > 0 ? `=${f.topK}` : ' (off)'}`,
      `top-p${f.topP < 1 ? `=${f.topP.toFixed(2)}` : ' (off)'}`,
    ].map((text) => h('th', { scope: 'col', text })),
  );
  const rows = t.rows.map((r) =>
    h(
      'tr',
      {
        class: r.afterTopP > 0 ? 'kept' : 'cut',
        'data-id': r.id,
        'data-logit': r.logit,
        'data-p': r.probability,
        'data-final': r.afterTopP,
      },
      h('td', { class: 'tok', text: `"${visible(vocab[r.id] ?? '')}"` }),
      h('td', { text: String(r.id) }),
      h('td', { text: fixed(r.logit, 2) }),
      h('td', {}, bar(r.probability, ''), ` ${r.probability.toFixed(3)}`),
      h(
        'td',
        {},
        r.afterTopK > 0 ? bar(r.afterTopK, 'k') : '',
        ` ${r.afterTopK > 0 ? r.afterTopK.toFixed(3) : '✗'}`,
      ),
      h(
        'td',
        {},
        r.afterTopP > 0 ? bar(r.afterTopP, 'p') : '',
        ` ${r.afterTopP > 0 ? r.afterTopP.toFixed(3) : '✗'}`,
      ),
    ),
  );
  byId('sample-table').replaceChildren(head, ...rows);
}
