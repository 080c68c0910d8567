// The Tokenizer: text ⇄ token ids.
//   encode: text → [special-token split] → pre-tokenize (regex) → pieces → BPE per piece → ids
//   decode: ids → token bytes → UTF-8 text

import { decodeUtf8, keyToText, utf8Key } from './bytes';
import { createStreamDecoder, type StreamDecoder } from './decoder';
import { InvalidArgumentError, UnknownTokenError, UnsupportedError } from './error-types';
import { LlmfError } from './errors';
import { huggingFaceSpec, type VocabAndMergesOptions, vocabAndMergesSpec } from './hugging-face';
import { toHuggingFaceJson } from './hugging-face-save';
import { compilePattern } from './patterns';
import { fastPreTokenizer, type PreTokenizer } from './pre-tokenize';
import { RankModel } from './rank-model';
import type { TokenizerSpec } from './spec';
import { checkSpecials, type EncodeOptions, specialTokenMap, tokenRegex } from './special-tokens';
import { parseTiktoken, serializeTiktoken } from './tiktoken-file';
import { type VocabOptions, vocabSpec } from './vocab';

export type { StreamDecoder } from './decoder';
export type { VocabAndMergesOptions } from './hugging-face';
export type { EncodeOptions } from './special-tokens';
export type { VocabOptions } from './vocab';

/** Options of `Tokenizer.fromTiktoken`. */
export interface TiktokenOptions {
  /** Pre-tokenization regex, in tiktoken's (Rust regex) syntax, e.g. cl100k_base's `pat_str`. */
  pattern: string;
  /** Special-token text → id. */
  specialTokens?: Record<string, number>;
}

/**
 * A byte-pair-encoding tokenizer with tiktoken semantics (or Hugging Face tokenizer.json semantics when
 * loaded from one). Immutable once built; every method is safe to call concurrently from async code.
 */
export class Tokenizer {
  /** Number of ids: the largest id (ordinary or special) + 1, as tiktoken's `n_vocab`. */
  readonly vocabSize: number;
  private readonly spec: TokenizerSpec;
  private readonly regex: RegExp | null;
  private readonly fastSplit: PreTokenizer | null;
  private readonly decodeKeys: (string | undefined)[];
  private readonly specialIds: Map<string, number>;
  private readonly matcherCache = new Map<string, RegExp | null>();

  /** @internal Use the static loaders. */
  constructor(spec: TokenizerSpec) {
    this.spec = spec;
    this.regex = spec.preTokenize || spec.pattern === null ? null : compilePattern(spec.pattern);
    this.fastSplit = spec.preTokenize ? null : fastPreTokenizer(spec.pattern);
    this.decodeKeys = [...(spec.decodeKeys ?? spec.model.keys)];
    this.specialIds = new Map([...spec.specialTokens, ...spec.addedTokens]);
    for (const [text, id] of this.specialIds) this.decodeKeys[id] = utf8Key(text);
    this.vocabSize = this.decodeKeys.length;
  }

  /**
   * Loads a `.tiktoken` rank file ("base64-token rank" per line).
   * @example Tokenizer.fromTiktoken(fileText, { pattern: CL100K_PATTERN, specialTokens: { '<|endoftext|>': 100257 } })
   */
  static fromTiktoken(ranks: string | Uint8Array, o: TiktokenOptions): Tokenizer {
    if (typeof o !== 'object' || o === null || typeof o.pattern !== 'string') {
      throw new InvalidArgumentError('fromTiktoken needs options { pattern: string, specialTokens? }.');
    }
    const table = parseTiktoken(ranks);
    return new Tokenizer({
      model: new RankModel(table, { charLevel: false }),
      pattern: o.pattern,
      specialTokens: specialTokenMap(o.specialTokens, table.values()),
      addedTokens: new Map(),
      stripLeadingSpace: false,
      origin: { kind: 'ranks' },
    });
  }

  /** Loads a Hugging Face `tokenizer.json` (BPE model; ByteLevel, Split, Metaspace pre-tokenizers; byte fallback). */
  static fromHuggingFace(tokenizerJson: string | object): Tokenizer {
    return new Tokenizer(huggingFaceSpec(tokenizerJson));
  }

  /**
   * Loads GPT-2's classic files: `vocab.json` (token → id, byte-level alphabet) and `merges.txt`.
   * `<|endoftext|>` is a special token when the vocabulary has it, unless `o.specialTokens` says otherwise.
   */
  static fromVocabAndMerges(
    vocabJson: string | object,
    mergesTxt: string,
    o?: VocabAndMergesOptions,
  ): Tokenizer {
    return new Tokenizer(vocabAndMergesSpec(vocabJson, mergesTxt, o));
  }

  /**
   * @internal — used by trainBPE. Ranks are ids (rank = id), tiktoken-style.
   * @example with tokens l o w e r s t y _ lo low lowe (ids 0..11), char granularity:
   *   encode('lowest') → [11, 5, 6], encode('lowly') → [10, 0, 7], encode('low') → [10]
   */
  static fromVocab(o: VocabOptions): Tokenizer {
    return new Tokenizer(vocabSpec(o));
  }

  /**
   * Text → ids. Special-token text throws DisallowedSpecialError unless allowed (`allowedSpecial`) or
   * explicitly not disallowed (`disallowedSpecial: []`, then it is ordinary text) — tiktoken's defaults.
   * Lone surrogates are encoded as U+FFFD (as TextEncoder does).
   */
  encode(text: string, o?: EncodeOptions): number[] {
    checkText(text, 'encode');
    const allowed = checkSpecials(text, this.spec.specialTokens, o);
    const out: number[] = [];
    this.encodeWith(text, allowed, out);
    return out;
  }

  /** Number of tokens of `text` with every special-token text counted as ordinary text. Never throws on a string. */
  count(text: string): number {
    checkText(text, 'count');
    const out: number[] = [];
    try {
      this.encodeWith(text, null, out);
      return out.length;
    } catch (error) {
      // char granularity: a character outside the vocabulary counts as one token
      if (!LlmfError.isInstance(error)) throw error;
      let n = 0;
      for (const piece of this.pieces(text)) n += this.countPiece(piece);
      return n;
    }
  }

  /** The text of each token of `text` (as `count` counts them), for display; partial UTF-8 shows as U+FFFD. */
  tokenize(text: string): string[] {
    checkText(text, 'tokenize');
    const out: number[] = [];
    this.encodeWith(text, null, out);
    const keys = this.spec.model.keys;
    return out.map((id) => keyToText(keys[id] ?? this.decodeKeys[id]!));
  }

  /** Ids → bytes. Throws UnknownTokenError for an id that is not in the vocabulary. */
  decodeBytes(ids: Iterable<number>): Uint8Array {
    const list = checkIds(ids);
    let length = 0;
    for (const id of list) length += this.keyOf(id).length;
    let bytes = new Uint8Array(length);
    let at = 0;
    for (const id of list) {
      const key = this.keyOf(id);
      for (let i = 0; i < key.length; i++) bytes[at++] = key.charCodeAt(i);
    }
    if (this.spec.stripLeadingSpace && bytes[0] === 0x20) bytes = bytes.subarray(1);
    return bytes;
  }

  /** Ids → text (invalid UTF-8, e.g. a cut-off character, becomes U+FFFD). */
  decode(ids: Iterable<number>): string {
    return decodeUtf8(this.decodeBytes(ids));
  }

  /** A streaming decoder: `write(id)` returns the text completed so far, never half a UTF-8 character. */
  createDecoder(): StreamDecoder {
    return createStreamDecoder((id) => this.keyOf(id), this.spec.stripLeadingSpace);
  }

  /** Hugging Face tokenizer.json object for this tokenizer (loads back with `fromHuggingFace`). */
  toHuggingFace(): object {
    return toHuggingFaceJson(this.spec);
  }

  /**
   * `.tiktoken` text ("base64-token rank" lines, rank = id) of the ordinary tokens; special tokens are not
   * in that format (give them to `fromTiktoken` again). Byte-level tokenizers only: char granularity throws
   * UNSUPPORTED. A tokenizer.json BPE tokenizer is written with rank = id, which encodes identically when
   * merge order follows id order (GPT-2 and tiktoken-derived vocabularies).
   */
  toTiktoken(): string {
    const model = this.spec.model;
    if (model instanceof RankModel && model.charLevel) {
      throw new UnsupportedError(
        'A char-granularity tokenizer cannot be saved as .tiktoken: that format is byte-level. Use toHuggingFace().',
      );
    }
    // special and added tokens are not part of a .tiktoken file (pass them to fromTiktoken instead)
    const special = new Set(this.specialIds.values());
    return serializeTiktoken(model.keys.map((key, id) => (special.has(id) ? undefined : key)));
  }

  /** Pre-tokenization pattern source (null: none, or a tokenizer.json pipeline). @internal */
  get pattern(): string | null {
    return this.spec.preTokenize ? null : this.spec.pattern;
  }

  /** Special-token text → id. */
  get specialTokens(): Record<string, number> {
    return Object.fromEntries(this.spec.specialTokens);
  }

  /** Tokens of one piece; a character the vocabulary lacks counts as one token and splits the piece. */
  private countPiece(piece: string): number {
    const model = this.spec.model;
    const ids: number[] = [];
    try {
      model.encodePiece(piece, ids);
      return ids.length;
    } catch {
      let n = 0;
      let run = '';
      for (const ch of piece) {
        try {
          model.encodePiece(ch, []);
          run += ch;
        } catch {
          if (run) n += this.countPiece(run);
          run = '';
          n++;
        }
      }
      return n + (run ? this.countPiece(run) : 0);
    }
  }

  private keyOf(id: number): string {
    const key = this.decodeKeys[id];
    if (key === undefined) {
      throw new UnknownTokenError(
        `Token id ${id} is not in the vocabulary (ids are integers in [0, ${this.vocabSize})).`,
      );
    }
    return key;
  }

  private pieces(text: string): string[] {
    if (this.spec.preTokenize) return this.spec.preTokenize(text);
    if (this.regex === null) return text ? [text] : [];
    return text.match(this.regex) ?? [];
  }

  /** Splits out allowed specials + added tokens, encodes the text between them. */
  private encodeWith(text: string, allowed: Set<string> | null, out: number[]): void {
    const matcher = this.matcher(allowed);
    if (matcher === null) {
      this.encodeOrdinary(text, out);
      return;
    }
    let last = 0;
    for (const m of text.matchAll(matcher)) {
      if (m.index > last) this.encodeOrdinary(text.slice(last, m.index), out);
      out.push(this.specialIds.get(m[0])!);
      last = m.index + m[0].length;
    }
    if (last < text.length) this.encodeOrdinary(text.slice(last), out);
  }

  private matcher(allowed: Set<string> | null): RegExp | null {
    const tokens = [...(allowed ?? []), ...this.spec.addedTokens.keys()];
    const cacheKey = tokens.join('\u0000');
    let matcher = this.matcherCache.get(cacheKey);
    if (matcher === undefined) {
      matcher = tokenRegex(tokens);
      if (this.matcherCache.size > 64) this.matcherCache.clear();
      this.matcherCache.set(cacheKey, matcher);
    }
    return matcher;
  }

  private encodeOrdinary(text: string, out: number[]): void {
    const model = this.spec.model;
    if (this.fastSplit !== null) {
      this.fastSplit(text, (from, to) => model.encodePiece(text.slice(from, to), out));
      return;
    }
    if (this.regex === null) {
      for (const piece of this.pieces(text)) if (piece) model.encodePiece(piece, out);
      return;
    }
    const pieces = text.match(this.regex);
    if (pieces === null) return;
    for (let i = 0; i < pieces.length; i++) model.encodePiece(pieces[i]!, out);
  }
}

function checkText(text: unknown, method: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(
      `${method} expects a string, got ${text === null ? 'null' : typeof text}.`,
    );
  }
}

function checkIds(ids: Iterable<number>): number[] {
  if (ids === null || typeof (ids as Iterable<number>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError('decode expects an iterable of token ids (numbers).');
  }
  const list = Array.isArray(ids) ? (ids as number[]) : [...ids];
  for (const id of list) {
    if (!Number.isInteger(id) || id < 0) {
      throw new UnknownTokenError(`Token id ${String(id)} is not a valid id: ids are non-negative integers.`);
    }
  }
  return list;
}
