// tokenizer.json (Hugging Face `tokenizers`) → TokenizerSpec. Supported: model BPE (byte-level or
// character symbols, byte_fallback, unk_token, fuse_unk, ignore_merges); normalizers Prepend, Replace,
// NFC/NFD/NFKC/NFKD, Lowercase, Sequence; pre-tokenizers ByteLevel, Split, Metaspace, Digits, Sequence;
// decoders ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence. Added tokens: `special`
// ones follow encode's allowedSpecial rules, the others are always matched. encode() adds no BOS/EOS
// (post_processor is not applied: the runtime adds them).

import { byteLevelToKey } from './byte-level';
import { keyToText, utf8Key } from './bytes';
import { TokenizerFormatError, UnsupportedError } from './error-types';
import { MergesModel } from './merges-model';
import { compilePattern, R50K_PATTERN } from './patterns';
import type { TokenizerSpec } from './spec';

type Json = Record<string, unknown>;
type Step = (pieces: string[]) => string[];

/** Options of `Tokenizer.fromVocabAndMerges`. */
export interface VocabAndMergesOptions {
  /** Special-token text → id (default: `<|endoftext|>` when the vocabulary has it). */
  specialTokens?: Record<string, number>;
}

function fail(message: string): never {
  throw new TokenizerFormatError(`tokenizer.json: ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed object; a caller's object is cloned, so later changes to it cannot reach the tokenizer. */
function parse(input: string | object): Json {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as object;
    } catch (cause) {
      throw new TokenizerFormatError(`tokenizer.json is not valid JSON (${(cause as Error).message}).`, {
        cause,
      });
    }
  } else if (isObject(input)) {
    try {
      input = structuredClone(input);
    } catch (cause) {
      throw new TokenizerFormatError('tokenizer.json object must be plain JSON data.', { cause });
    }
  }
  if (!isObject(input)) fail('expected a JSON object.');
  return input;
}

/** Types of all pre-tokenizer / decoder steps, flattening Sequence. */
function flatten(step: unknown, field: 'pretokenizers' | 'decoders' | 'normalizers'): Json[] {
  if (step === null || step === undefined) return [];
  if (!isObject(step)) fail(`expected an object in ${field}.`);
  if (step.type === 'Sequence') {
    const list = step[field];
    if (!Array.isArray(list)) fail(`a Sequence needs a "${field}" array.`);
    return list.flatMap((s) => flatten(s, field));
  }
  return [step];
}

function patternOf(step: Json): RegExp | string {
  const pattern = step.pattern;
  if (isObject(pattern) && typeof pattern.Regex === 'string') return compilePattern(pattern.Regex);
  if (isObject(pattern) && typeof pattern.String === 'string') return pattern.String;
  return fail(`${String(step.type)} needs a pattern { "Regex": ... } or { "String": ... }.`);
}

/** Splits one piece by a regex / literal; behavior as in tokenizers' SplitDelimiterBehavior. */
export function splitPiece(
  piece: string,
  pattern: RegExp | string,
  behavior: string,
  invert = false,
): string[] {
  // spans of (text, isMatch)
  const spans: [string, boolean][] = [];
  let last = 0;
  const matches: [number, number][] = [];
  if (typeof pattern === 'string') {
    if (pattern.length > 0) {
      for (let at = piece.indexOf(pattern); at >= 0; at = piece.indexOf(pattern, at + pattern.length)) {
        matches.push([at, at + pattern.length]);
      }
    }
  } else {
    for (const m of piece.matchAll(pattern))
      if (m[0].length > 0) matches.push([m.index, m.index + m[0].length]);
  }
  for (const [from, to] of matches) {
    if (from > last) spans.push([piece.slice(last, from), invert]);
    spans.push([piece.slice(from, to), !invert]);
    last = to;
  }
  if (last < piece.length) spans.push([piece.slice(last), invert]);
  const out: string[] = [];
  switch (behavior) {
    case 'Isolated':
      for (const [text] of spans) out.push(text);
      break;
    case 'Removed':
      for (const [text, isMatch] of spans) if (!isMatch) out.push(text);
      break;
    case 'MergedWithPrevious':
      for (const [text, isMatch] of spans) {
        if (isMatch && out.length > 0) out[out.length - 1] += text;
        else out.push(text);
      }
      break;
    case 'MergedWithNext': {
      let pending = '';
      for (const [text, isMatch] of spans) {
        if (isMatch) {
          if (pending) out.push(pending);
          pending = text;
        } else {
          out.push(pending + text);
          pending = '';
        }
      }
      if (pending) out.push(pending);
      break;
    }
    case 'Contiguous': {
      let prevMatch: boolean | undefined;
      for (const [text, isMatch] of spans) {
        if (isMatch && prevMatch === true) out[out.length - 1] += text;
        else out.push(text);
        prevMatch = isMatch;
      }
      break;
    }
    default:
      fail(`unknown Split behavior ${JSON.stringify(behavior)}.`);
  }
  return out.filter((p) => p.length > 0);
}

function normalizerOf(json: Json): (text: string) => string {
  const steps = flatten(json.normalizer, 'normalizers').map((n): ((t: string) => string) => {
    switch (n.type) {
      case 'Prepend':
        return (t) => (t.length > 0 ? String(n.prepend) + t : t);
      case 'Replace': {
        const pattern = patternOf(n);
        const content = String(n.content ?? '');
        return (t) =>
          typeof pattern === 'string' ? t.replaceAll(pattern, content) : t.replace(pattern, content);
      }
      case 'NFC':
      case 'NFD':
      case 'NFKC':
      case 'NFKD':
        return (t) => t.normalize(n.type as string);
      case 'Lowercase':
        return (t) => t.toLowerCase();
      default:
        throw new UnsupportedError(`tokenizer.json normalizer ${JSON.stringify(n.type)} is not supported.`);
    }
  });
  return (text) => steps.reduce((t, step) => step(t), text);
}

function preTokenizerOf(json: Json): { steps: Step[]; byteLevel: boolean } {
  let byteLevel = false;
  const gpt2 = compilePattern(R50K_PATTERN);
  const steps = flatten(json.pre_tokenizer, 'pretokenizers').map((p): Step => {
    switch (p.type) {
      case 'ByteLevel': {
        byteLevel = true;
        const prefix = p.add_prefix_space === true;
        const useRegex = p.use_regex !== false;
        return (pieces) =>
          pieces.flatMap((piece) => {
            const text = prefix && !piece.startsWith(' ') ? ` ${piece}` : piece;
            return useRegex ? (text.match(gpt2) ?? []) : [text];
          });
      }
      case 'Split': {
        const pattern = patternOf(p);
        const behavior = String(p.behavior ?? 'Isolated');
        return (pieces) => pieces.flatMap((piece) => splitPiece(piece, pattern, behavior, p.invert === true));
      }
      case 'Metaspace': {
        const replacement = String(p.replacement ?? '▁');
        const scheme = String(p.prepend_scheme ?? (p.add_prefix_space === false ? 'never' : 'always'));
        const split = p.split !== false;
        return (pieces) =>
          pieces.flatMap((piece, index) => {
            let text = piece.replaceAll(' ', replacement);
            const prepend = scheme === 'always' || (scheme === 'first' && index === 0);
            if (prepend && !text.startsWith(replacement)) text = replacement + text;
            return split ? splitPiece(text, replacement, 'MergedWithNext') : [text];
          });
      }
      case 'Digits': {
        const pattern = compilePattern(p.individual_digits === true ? '\\d' : '\\d+'); // pinned Unicode Nd
        return (pieces) => pieces.flatMap((piece) => splitPiece(piece, pattern, 'Isolated'));
      }
      default:
        throw new UnsupportedError(
          `tokenizer.json pre_tokenizer ${JSON.stringify(p.type)} is not supported.`,
        );
    }
  });
  return { steps, byteLevel };
}

/** tokenizer.json text or object → spec. */
export function huggingFaceSpec(input: string | object): TokenizerSpec {
  const json = parse(input);
  const model = json.model;
  if (!isObject(model)) fail('missing "model".');
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new UnsupportedError(
      `tokenizer.json model ${JSON.stringify(model.type)} is not supported; only BPE.`,
    );
  }
  if (!isObject(model.vocab)) fail('model.vocab must be an object { token: id }.');
  if (!Array.isArray(model.merges)) fail('model.merges must be an array.');
  if (model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new UnsupportedError(
      'tokenizer.json BPE continuing_subword_prefix / end_of_word_suffix are not supported.',
    );
  }
  if (typeof model.dropout === 'number' && model.dropout > 0) {
    throw new UnsupportedError('tokenizer.json BPE dropout is not supported (it makes encoding random).');
  }
  const { steps, byteLevel: preByteLevel } = preTokenizerOf(json);
  const decoders = flatten(json.decoder, 'decoders');
  const byteLevel = preByteLevel || decoders.some((d) => d.type === 'ByteLevel');
  const normalize = normalizerOf(json);

  // tokens → bytes: byte-level alphabet, or UTF-8 of the token string
  const keys: (string | undefined)[] = [];
  const idOf = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      fail(`vocab id of ${JSON.stringify(token)} is not an integer ≥ 0.`);
    keys[id as number] = (byteLevel ? byteLevelToKey(token) : undefined) ?? utf8Key(token);
    idOf.set(token, id as number);
  }
  const merges = model.merges.map((m, i): [number, number, number] => {
    const pair = typeof m === 'string' ? splitMerge(m) : m;
    if (!Array.isArray(pair) || pair.length !== 2) fail(`merge ${i} must be "a b" or ["a", "b"].`);
    const [a, b] = pair as [string, string];
    const left = idOf.get(a);
    const right = idOf.get(b);
    const merged = idOf.get(a + b);
    if (left === undefined || right === undefined || merged === undefined) {
      fail(
        `merge ${i} (${JSON.stringify(a)} ${JSON.stringify(b)}) uses a token missing from the vocabulary.`,
      );
    }
    return [left, right, merged];
  });
  const unk = typeof model.unk_token === 'string' ? idOf.get(model.unk_token) : undefined;
  const specialTokens = new Map<string, number>();
  const addedTokens = new Map<string, number>();
  for (const added of Array.isArray(json.added_tokens) ? json.added_tokens : []) {
    if (!isObject(added) || typeof added.content !== 'string' || !Number.isInteger(added.id)) {
      fail('added_tokens entries need "id" and "content".');
    }
    (added.special === true ? specialTokens : addedTokens).set(added.content, added.id as number);
  }
  const mergesModel = new MergesModel({
    keys,
    merges,
    byteLevel,
    byteFallback: model.byte_fallback === true,
    unkId: unk ?? -1,
    fuseUnk: model.fuse_unk === true,
    ignoreMerges: model.ignore_merges === true,
  });
  const { decodeKeys, stripLeadingSpace } = decoding(decoders, keys, byteLevel);
  return {
    model: mergesModel,
    pattern: null,
    preTokenize: (text) => steps.reduce((pieces, step) => step(pieces), [normalize(text)]).filter((p) => p),
    specialTokens,
    addedTokens,
    decodeKeys,
    stripLeadingSpace,
    origin: { kind: 'hugging-face', json },
  };
}

function splitMerge(merge: string): [string, string] {
  const at = merge.indexOf(' ', 1);
  if (at < 0) fail(`merge ${JSON.stringify(merge)} must be two tokens separated by a space.`);
  return [merge.slice(0, at), merge.slice(at + 1)];
}

/** id → decoded bytes, applying the decoder chain per token (Metaspace/Replace, ByteFallback). */
function decoding(decoders: Json[], keys: (string | undefined)[], byteLevel: boolean) {
  let stripLeadingSpace = false;
  if (byteLevel) return { decodeKeys: keys, stripLeadingSpace };
  const replaces: [string, string][] = [];
  let byteFallback = false;
  for (const d of decoders) {
    if (d.type === 'Metaspace') {
      replaces.push([String(d.replacement ?? '▁'), ' ']);
      const scheme = String(d.prepend_scheme ?? (d.add_prefix_space === false ? 'never' : 'always'));
      if (scheme !== 'never') stripLeadingSpace = true;
    } else if (d.type === 'Replace') {
      const pattern = isObject(d.pattern) ? d.pattern.String : undefined;
      if (typeof pattern !== 'string')
        throw new UnsupportedError('tokenizer.json Replace decoder needs a String pattern.');
      replaces.push([pattern, String(d.content ?? '')]);
    } else if (d.type === 'ByteFallback') {
      byteFallback = true;
    } else if (d.type === 'Strip') {
      if (d.content === ' ' && Number(d.start) >= 1) stripLeadingSpace = true;
    } else if (d.type !== 'Fuse') {
      throw new UnsupportedError(`tokenizer.json decoder ${JSON.stringify(d.type)} is not supported.`);
    }
  }
  const decodeKeys = keys.map((key) => {
    if (key === undefined) return undefined;
    const text = keyToText(key);
    const byte = byteFallback ? /^<0x([0-9A-Fa-f]{2})>$/.exec(text) : null;
    if (byte) return String.fromCharCode(Number.parseInt(byte[1]!, 16));
    return utf8Key(replaces.reduce((t, [from, to]) => t.replaceAll(from, to), text));
  });
  return { decodeKeys, stripLeadingSpace };
}

/** GPT-2 vocab.json + merges.txt → spec (through the equivalent tokenizer.json). */
export function vocabAndMergesSpec(
  vocabJson: string | object,
  mergesTxt: string,
  o: VocabAndMergesOptions = {},
): TokenizerSpec {
  let vocab: unknown = vocabJson;
  if (typeof vocab === 'string') {
    try {
      vocab = JSON.parse(vocab);
    } catch (cause) {
      throw new TokenizerFormatError(`vocab.json is not valid JSON (${(cause as Error).message}).`, {
        cause,
      });
    }
  }
  if (!isObject(vocab)) throw new TokenizerFormatError('vocab.json must be an object { token: id }.');
  if (typeof mergesTxt !== 'string') throw new TokenizerFormatError('merges.txt must be given as a string.');
  const merges = mergesTxt
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.length > 0 && !line.startsWith('#version'));
  const specials =
    o.specialTokens ??
    (typeof vocab['<|endoftext|>'] === 'number' ? { '<|endoftext|>': vocab['<|endoftext|>'] as number } : {});
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return huggingFaceSpec({
    version: '1.0',
    added_tokens: Object.entries(specials).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  });
}
