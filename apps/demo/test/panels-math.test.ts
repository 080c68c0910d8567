// The panels' numbers against the seed's worked examples (§1 BPE, §5 sampling) and the definitions.
import { describe, expect, it } from 'vitest';
import { replayBPE } from '../src/bpe-replay';
import { cosineSimilarity, samplingTable } from '../src/sampling-table';

const seedLogits = [2.0, 1.0, 0.5, 0.0]; // "on", "the", "mat", "in"
const probs = (t: ReturnType<typeof samplingTable>, key: 'probability' | 'afterTopK' | 'afterTopP') =>
  [...t.rows].sort((a, b) => a.id - b.id).map((r) => Number(r[key].toFixed(2)));

describe('samplingTable (seed §5)', () => {
  it('softmax at T = 0.5, 1, 2', () => {
    expect(
      probs(samplingTable(seedLogits, { temperature: 0.5, topK: 0, topP: 1 }, 4), 'probability'),
    ).toEqual([0.83, 0.11, 0.04, 0.02]);
    expect(probs(samplingTable(seedLogits, { temperature: 1, topK: 0, topP: 1 }, 4), 'probability')).toEqual([
      0.58, 0.21, 0.13, 0.08,
    ]);
    expect(probs(samplingTable(seedLogits, { temperature: 2, topK: 0, topP: 1 }, 4), 'probability')).toEqual([
      0.41, 0.25, 0.19, 0.15,
    ]);
  });

  it('top-k = 2 keeps "on" and "the", renormalised to 0.73 / 0.27', () => {
    const t = samplingTable(seedLogits, { temperature: 1, topK: 2, topP: 1 }, 4);
    expect(probs(t, 'afterTopK')).toEqual([0.73, 0.27, 0, 0]);
    expect(t.survivors).toBe(2);
    expect(t.finalSum).toBeCloseTo(1, 6);
  });

  it('top-p = 0.7 keeps {on, the}; top-p = 0.95 keeps all four', () => {
    expect(samplingTable(seedLogits, { temperature: 1, topK: 0, topP: 0.7 }, 4).survivors).toBe(2);
    expect(samplingTable(seedLogits, { temperature: 1, topK: 0, topP: 0.95 }, 4).survivors).toBe(4);
  });

  it('rows come most probable first and the probabilities sum to 1', () => {
    const t = samplingTable([0, 3, 1, 2], { temperature: 1, topK: 0, topP: 1 }, 2);
    expect(t.rows.map((r) => r.id)).toEqual([1, 3]);
    expect(t.probabilitySum).toBeCloseTo(1, 6);
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for parallel, 0 for orthogonal, -1 for opposite vectors', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0);
    expect(cosineSimilarity([1, -1], [-2, 2])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});

describe('replayBPE (seed §1: "low lower lowest lowly")', () => {
  const r = replayBPE('low lower lowest lowly', 12);

  it('replays the seed iterations 0–3', () => {
    expect(r.symbols[0].join(' ')).toBe('l o w _ l o w e r _ l o w e s t _ l o w l y');
    expect(r.symbols[1].join(' ')).toBe('lo w _ lo w e r _ lo w e s t _ lo w l y');
    expect(r.symbols[2].join(' ')).toBe('low _ low e r _ low e s t _ low l y');
    expect(r.symbols[3].join(' ')).toBe('low _ lowe r _ lowe s t _ low l y');
    expect(r.merges.map((m) => m.pair)).toEqual([
      ['l', 'o'],
      ['lo', 'w'],
      ['low', 'e'],
    ]);
  });

  it('builds the seed vocabulary and tokenizes "lowest" → [11, 5, 6]', () => {
    expect(r.vocabulary).toEqual(['l', 'o', 'w', 'e', 'r', 's', 't', 'y', '_', 'lo', 'low', 'lowe']);
    expect(r.tokenizer.encode('lowest')).toEqual([11, 5, 6]);
    expect(r.tokenizer.encode('lowly')).toEqual([10, 0, 7]);
  });
});
