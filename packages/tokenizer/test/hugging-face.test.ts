// tokenizer.json / vocab.json+merges.txt loading, checked against the fixtures' expected ids and against
// Hugging Face `tokenizers` itself (the Rust library through its Node binding) as the oracle.
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { describe, expect, test } from 'vitest';
import { getEncoding, Tokenizer } from '../src/index';
import { corpus, referenceIds } from './oracle';

const fixtures = ['gpt2-tiny', 'gpt2-tiny-f16', 'llama-tiny', 'llama-tiny-bf16'];
const fixtureFile = (model: string, file: string) =>
  readFileSync(new URL(`../../../fixtures/models/${model}/${file}`, import.meta.url), 'utf8');
const lines = corpus.split('\n').filter((line) => line.length > 0);

const hfCache = new WeakMap<object, HfTokenizer>();
/** Hugging Face tokenizers' ids for `text` (no BOS/EOS), loading `json` once. */
async function hfIds(json: object, text: string): Promise<number[]> {
  let hf = hfCache.get(json);
  if (hf === undefined) {
    hf = HfTokenizer.fromString(JSON.stringify(json));
    hfCache.set(json, hf);
  }
  const encoding = await hf.encode(text, null, { addSpecialTokens: false });
  return encoding.getIds();
}

describe.each(fixtures)('fixture %s', (model) => {
  const expected = JSON.parse(fixtureFile(model, 'expected.json')) as {
    prompt: string;
    prompt_ids: number[];
  };

  test('tokenizer.json gives expected.json prompt_ids', () => {
    const tok = Tokenizer.fromHuggingFace(fixtureFile(model, 'tokenizer.json'));
    expect(tok.encode(expected.prompt)).toEqual(expected.prompt_ids);
    expect(tok.decode(expected.prompt_ids)).toBe(expected.prompt);
    expect(tok.vocabSize).toBe(1025);
  });

  test('vocab.json + merges.txt gives expected.json prompt_ids', () => {
    const tok = Tokenizer.fromVocabAndMerges(
      fixtureFile(model, 'vocab.json'),
      fixtureFile(model, 'merges.txt'),
    );
    expect(tok.encode(expected.prompt)).toEqual(expected.prompt_ids);
    expect(tok.encode('a<|endoftext|>', { allowedSpecial: 'all' }).at(-1)).toBe(1024);
  });
});

test('the fixture tokenizer equals Hugging Face tokenizers on the corpus', async () => {
  const json = JSON.parse(fixtureFile('gpt2-tiny', 'tokenizer.json')) as object;
  const tok = Tokenizer.fromHuggingFace(json);
  for (const line of lines) expect(tok.encode(line), line).toEqual(await hfIds(json, line));
});

/** A Llama-2-style (SentencePiece BPE) tokenizer.json: Prepend/Replace normalizer, byte fallback, no pre-tokenizer. */
function llama2Style(): object {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  // symbols: the corpus characters, minus a few so that byte fallback is exercised
  const words = corpus
    .replaceAll(' ', '▁')
    .split(/(?=▁)|\n/)
    .map((w) => (w.startsWith('▁') ? w : `▁${w}`));
  const symbols = new Set([...corpus.replaceAll(' ', '▁')].filter((c) => c !== '\n' && !/[🎉日語]/u.test(c)));
  for (const s of ['▁', ...symbols]) vocab[s] ??= Object.keys(vocab).length;
  // 300 merges by naive BPE training (most frequent adjacent pair, first seen on ties)
  let seqs = words.map((w) => [...w].filter((c) => vocab[c] !== undefined));
  const merges: [string, string][] = [];
  for (let step = 0; step < 300; step++) {
    const counts = new Map<string, number>();
    for (const seq of seqs)
      for (let i = 0; i + 1 < seq.length; i++) {
        const key = `${seq[i]}\u0000${seq[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    let best = '';
    let bestCount = 0;
    for (const [key, count] of counts) if (count > bestCount) [best, bestCount] = [key, count];
    if (bestCount < 2) break;
    const [a, b] = best.split('\u0000') as [string, string];
    merges.push([a, b]);
    vocab[a + b] ??= Object.keys(vocab).length;
    seqs = seqs.map((seq) => {
      const out: string[] = [];
      for (let i = 0; i < seq.length; i++) {
        if (seq[i] === a && seq[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(seq[i]!);
      }
      return out;
    });
  }
  return {
    version: '1.0',
    added_tokens: [
      {
        id: 0,
        content: '<unk>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 1,
        content: '<s>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 2,
        content: '</s>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

test('a Llama-2-style tokenizer.json (Metaspace era, byte fallback) equals Hugging Face tokenizers', async () => {
  const json = llama2Style();
  const tok = Tokenizer.fromHuggingFace(json);
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  for (const line of [...lines, 'new\nline 🎉 日本語 <0x0A>', '  two leading spaces']) {
    const ids = tok.encode(line);
    expect(ids, line).toEqual(await hfIds(json, line));
    expect(tok.decode(ids), line).toBe(await hf.decode(ids, false));
  }
  expect(tok.encode('日')).toEqual([259, 3 + 0xe6, 3 + 0x97, 3 + 0xa5]); // ▁ <0xE6> <0x97> <0xA5>
  expect(tok.decode(tok.encode('a 🎉 b'))).toBe('a 🎉 b');
});

test('cl100k_base saved as tokenizer.json loads back (here and in Hugging Face tokenizers) and encodes like tiktoken', async () => {
  const enc = await getEncoding('cl100k_base');
  const json = enc.toHuggingFace();
  const back = Tokenizer.fromHuggingFace(JSON.stringify(json));
  expect(back.vocabSize).toBe(enc.vocabSize);
  for (const line of lines) expect(back.encode(line), line).toEqual(referenceIds('cl100k_base', line));
  expect(back.encode(corpus)).toEqual(referenceIds('cl100k_base', corpus));
  expect(back.encode('x<|endoftext|>', { allowedSpecial: 'all' })).toEqual([87, 100257]);
  for (const line of lines.slice(0, 20))
    expect(await hfIds(json, line), line).toEqual(referenceIds('cl100k_base', line));
});

test('toTiktoken round trip: same ids', async () => {
  const enc = await getEncoding('r50k_base');
  const back = Tokenizer.fromTiktoken(enc.toTiktoken(), {
    pattern: enc.pattern!,
    specialTokens: enc.specialTokens,
  });
  expect(back.encode(corpus)).toEqual(enc.encode(corpus));
  expect(back.vocabSize).toBe(enc.vocabSize);
  const fixture = Tokenizer.fromHuggingFace(fixtureFile('gpt2-tiny', 'tokenizer.json'));
  const asTiktoken = Tokenizer.fromTiktoken(fixture.toTiktoken(), {
    pattern: enc.pattern!,
    specialTokens: fixture.specialTokens,
  });
  expect(asTiktoken.encode(corpus)).toEqual(fixture.encode(corpus));
});

test('tokenizer.json round trip of a loaded tokenizer.json is identical', () => {
  const json = JSON.parse(fixtureFile('llama-tiny', 'tokenizer.json')) as object;
  const tok = Tokenizer.fromHuggingFace(json);
  expect(tok.toHuggingFace()).toEqual(json);
  expect(Tokenizer.fromHuggingFace(tok.toHuggingFace()).encode(corpus)).toEqual(tok.encode(corpus));
});

test('char-granularity fromVocab saves to tokenizer.json (no ByteLevel) and not to .tiktoken', async () => {
  const chars = [...new Set(corpus.replaceAll(' ', '▁'))];
  const tokens = [...chars, 'th', 'the', '▁the', 'in', 'ing'].map((t) => new TextEncoder().encode(t));
  const pattern = ' ?\\p{L}+| ?[^\\s\\p{L}]+|\\s+';
  const tok = Tokenizer.fromVocab({ tokens, pattern, granularity: 'char', spaceMarker: '▁' });
  const json = tok.toHuggingFace() as { pre_tokenizer: unknown };
  expect(JSON.stringify(json.pre_tokenizer)).not.toContain('ByteLevel');
  const back = Tokenizer.fromHuggingFace(json);
  for (const line of lines) {
    expect(back.encode(line), line).toEqual(tok.encode(line));
    expect(back.decode(tok.encode(line))).toBe(line);
    expect(await hfIds(json, line), line).toEqual(tok.encode(line));
  }
  expect(() => tok.toTiktoken()).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
});

test('the same vocabulary with a Metaspace pre-tokenizer and decoder (newer Llama/Mistral exports) equals Hugging Face tokenizers', async () => {
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  const json = { ...llama2Style(), normalizer: null, pre_tokenizer: metaspace, decoder: metaspace };
  const tok = Tokenizer.fromHuggingFace(json);
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  for (const line of [...lines.slice(0, 30), ' leading space', 'a  b']) {
    const ids = tok.encode(line);
    expect(ids, line).toEqual(await hfIds(json, line));
    expect(tok.decode(ids), line).toBe(await hf.decode(ids, false));
  }
});
