// The "train BPE" panel: char-level BPE trained on the user's corpus, replayed merge by merge (seed §1).

import { type BpeReplay, replayBPE } from '../bpe-replay';
import { byId, h, tokenColour } from '../dom';

/** Wire the panel's controls and train once on the seed's corpus. */
export function setupBpe(): void {
  const corpus = byId<HTMLInputElement>('bpe-corpus');
  const vocab = byId<HTMLInputElement>('bpe-vocab');
  const step = byId<HTMLInputElement>('bpe-step');
  const word = byId<HTMLInputElement>('bpe-word');
  const error = byId('bpe-error');
  let replay: BpeReplay | undefined;

  const showStep = () => {
    if (!replay) return;
    const i = Number(step.value);
    const last = replay.merges.length;
    byId('bpe-step-label').textContent = `iteration ${i} of ${last}`;
    const m = replay.merges[i - 1];
    byId('bpe-caption').textContent =
      i === 0
        ? 'Iteration 0: start with characters (a space shows as _).'
        : `Iteration ${i}: most frequent pair (${m.pair[0]}, ${m.pair[1]}) — seen ${m.count}× — merges into "${m.token}".`;
    byId('bpe-symbols').replaceChildren(
      ...replay.symbols[i].map((s) => {
        const fresh = i > 0 && s === m.token;
        return h('span', {
          class: 'token',
          style: `background:${fresh ? '#ffd98a' : tokenColour(replay!.vocabulary.indexOf(s))}`,
          text: s,
        });
      }),
    );
  };

  const tokenizeWord = () => {
    if (!replay) return;
    try {
      const ids = replay.tokenizer.encode(word.value);
      const pieces = ids.map((id) => replay!.vocabulary[id]);
      byId('bpe-word-out').textContent =
        `${JSON.stringify(word.value)} → [${pieces.map((p) => `"${p}"`).join(', ')}] → ids [${ids.join(', ')}]`;
    } catch (e) {
      byId('bpe-word-out').textContent = (e as Error).message;
    }
  };

  const train = () => {
    try {
      replay = replayBPE(corpus.value, Number(vocab.value));
      error.hidden = true;
    } catch (e) {
      replay = undefined;
      error.textContent = (e as Error).message;
      error.hidden = false;
      return;
    }
    step.max = String(replay.merges.length);
    step.value = String(replay.merges.length === 0 ? 0 : 1);
    byId('bpe-vocabulary').replaceChildren(
      h(
        'table',
        {},
        h('tr', {}, h('th', { text: 'ID' }), h('th', { text: 'Token' })),
        ...replay.vocabulary.map((token, id) =>
          h('tr', {}, h('td', { text: String(id) }), h('td', { class: 'tok', text: token })),
        ),
      ),
    );
    showStep();
    tokenizeWord();
  };

  const move = (by: number) => {
    step.value = String(Math.max(0, Math.min(Number(step.max), Number(step.value) + by)));
    showStep();
  };
  byId('bpe-train').addEventListener('click', train);
  corpus.addEventListener('keydown', (e) => e.key === 'Enter' && train());
  vocab.addEventListener('change', train);
  step.addEventListener('input', showStep);
  byId('bpe-prev').addEventListener('click', () => move(-1));
  byId('bpe-next').addEventListener('click', () => move(1));
  word.addEventListener('input', tokenizeWord);
  train();
}
