// ③ Attend: the attention weights [T, T] of one layer and head for the typed text, the causal mask visible
// (✗ above the diagonal: −∞ before softmax, weight 0). Arrow keys move a cursor over the grid.

import { byId, fixed, h, sequential, visible } from '../dom';
import type { Analysis, ModelInfo } from '../protocol';

let last: Analysis | undefined;
let cursor = { row: 0, col: 0 };

/** Fill the layer and head pickers for a newly loaded model. */
export function setupAttentionPickers(info: ModelInfo): void {
  const options = (n: number) =>
    Array.from({ length: n }, (_, i) => h('option', { value: i, text: String(i) }));
  byId<HTMLSelectElement>('attn-layer').replaceChildren(...options(info.nLayer));
  byId<HTMLSelectElement>('attn-head').replaceChildren(...options(info.nHead));
}

/** Wire the pickers and the grid's keyboard cursor. */
export function setupAttention(getInfo: () => ModelInfo | undefined): void {
  const redraw = () => {
    const info = getInfo();
    if (last && info) renderAttention(last, info);
  };
  byId('attn-layer').addEventListener('change', redraw);
  byId('attn-head').addEventListener('change', redraw);
  // the ARIA data-grid pattern: the table takes focus and arrow keys move a cursor over its cells
  const grid = byId('attn-grid');
  grid.tabIndex = 0;
  grid.setAttribute('role', 'grid');
  grid.addEventListener('keydown', (e) => {
    if (!last) return;
    const T = last.ids.length;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    cursor = {
      row: Math.max(0, Math.min(T - 1, cursor.row + m[0])),
      col: Math.max(0, Math.min(T - 1, cursor.col + m[1])),
    };
    markCursor();
  });
}

function markCursor(): void {
  const grid = byId('attn-grid');
  grid.querySelector('.cell.cur')?.classList.remove('cur');
  const cell = grid.querySelector<HTMLElement>(`.cell[data-row="${cursor.row}"][data-col="${cursor.col}"]`);
  if (!cell) return;
  cell.classList.add('cur');
  byId('attn-readout').textContent = cell.title;
}

/** Draw the grid of the chosen layer and head. */
export function renderAttention(a: Analysis, _info: ModelInfo): void {
  last = a;
  const T = a.ids.length;
  const layer = Number(byId<HTMLSelectElement>('attn-layer').value) || 0;
  const head = Number(byId<HTMLSelectElement>('attn-head').value) || 0;
  const weights = a.attention[layer].subarray(head * T * T, (head + 1) * T * T); // [T, T] of [H, T, T]
  const grid = byId('attn-grid');
  grid.setAttribute('aria-label', `Attention weights, layer ${layer}, head ${head}: ${T} × ${T}`);
  grid.dataset.tokens = String(T);
  const labels = a.pieces.map((p) => visible(p) || '∅');
  const header = h('tr', {}, h('th', { text: 'query ↓ key →' }));
  for (let t = 0; t < T; t++) header.append(h('th', { class: 'lab col', scope: 'col', text: labels[t] }));
  const rows: HTMLElement[] = [header];
  for (let q = 0; q < T; q++) {
    const row = h('tr', {}, h('th', { class: 'lab', scope: 'row', text: labels[q] }));
    for (let k = 0; k < T; k++) {
      const w = weights[q * T + k];
      const masked = k > q; // causal: query q sees keys 0..q
      const title = masked
        ? `"${labels[q]}" → "${labels[k]}": masked (a later token)`
        : `"${labels[q]}" → "${labels[k]}": ${fixed(w, 3)}`;
      const cell = h('td', {
        class: masked ? 'cell masked' : 'cell',
        'data-row': q,
        'data-col': k,
        'data-w': w,
        title,
        text: masked ? '✗' : '',
      });
      if (!masked) {
        cell.style.background = sequential(w);
        if (T <= 16) {
          cell.textContent = w >= 0.995 ? '1' : w.toFixed(2).slice(1);
          if (w > 0.55) cell.style.color = '#fff';
        }
      }
      row.append(cell);
    }
    rows.push(row);
  }
  grid.replaceChildren(...rows);
  cursor = { row: Math.min(cursor.row, T - 1), col: Math.min(cursor.col, T - 1) };
  markCursor();
}
