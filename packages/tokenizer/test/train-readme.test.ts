// The README's "## Training" example, run as written (with console output captured).
import { expect, it, vi } from 'vitest';
import { trainBPE } from '../src/index';

it('README Training example', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    // --- README example start
    // The seed's example: start from the characters, merge the most frequent pair three times.
    const seed = trainBPE('low lower lowest lowly', {
      vocabSize: 12,
      granularity: 'char',
      onMerge: (m) => console.log(m.step, m.pair, '→', m.token, `(${m.count}×)`),
    });
    // 1 [ 'l', 'o' ] → lo (4×)
    // 2 [ 'lo', 'w' ] → low (4×)
    // 3 [ 'low', 'e' ] → lowe (2×)
    const lowest = seed.encode('lowest'); // [11, 5, 6]
    const pieces = seed.tokenize('lowest'); // ['lowe', 's', 't']

    // GPT-2 style: the 256 bytes, then the merges, then the special tokens.
    const tok = trainBPE(['The cat sat on the mat.', 'The cat ate the rat.'], {
      vocabSize: 264,
      specialTokens: ['<|endoftext|>'],
    });
    const ids = tok.encode('the rat<|endoftext|>', { allowedSpecial: 'all' }); // [116, 257, 32, 114, 256, 263]
    const text = tok.decode(ids); // 'the rat<|endoftext|>'
    const saved = tok.toTiktoken(); // or tok.toHuggingFace() for a tokenizer.json
    // --- README example end

    expect(log.mock.calls).toEqual([
      [1, ['l', 'o'], '→', 'lo', '(4×)'],
      [2, ['lo', 'w'], '→', 'low', '(4×)'],
      [3, ['low', 'e'], '→', 'lowe', '(2×)'],
    ]);
    expect(lowest).toEqual([11, 5, 6]);
    expect(pieces).toEqual(['lowe', 's', 't']);
    expect(ids).toEqual([116, 257, 32, 114, 256, 263]);
    expect(text).toBe('the rat<|endoftext|>');
    expect(saved.trim().split('\n')).toHaveLength(263);
  } finally {
    log.mockRestore();
  }
});
