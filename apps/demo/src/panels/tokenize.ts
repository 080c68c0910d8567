// ① Tokenize: the text as the model's tokens — coloured pieces, their ids, and counts.

import { byId, h, tokenColour, visible } from '../dom';
import type { Analysis } from '../protocol';

/** Draw the tokens of the latest analysis. */
export function renderTokens(a: Analysis, text: string): void {
  const chars = Array.from(text).length;
  const cut = a.totalTokens > a.ids.length ? ` (the panels below look at the first ${a.ids.length})` : '';
  byId('token-count').textContent =
    `${a.totalTokens} tokens from ${chars} characters — ${(chars / Math.max(1, a.totalTokens)).toFixed(2)} characters per token${cut}`;
  byId('tokens').replaceChildren(
    ...a.pieces.map((piece, i) =>
      h(
        'span',
        { class: 'token', style: `background:${tokenColour(i)}`, title: `token ${i}: id ${a.ids[i]}` },
        h('span', { text: visible(piece) || '∅' }),
        h('small', { text: String(a.ids[i]) }),
      ),
    ),
  );
  byId('token-ids').textContent = `ids: [${a.ids.join(', ')}]`;
}
