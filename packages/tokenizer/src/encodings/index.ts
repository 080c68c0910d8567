// The built-in OpenAI encodings. Each rank table is its own module, imported only when `getEncoding`
// asks for it: importing @llmf/tokenizer loads no table.

import { UnknownEncodingError } from '../error-types';
import { CL100K_PATTERN, O200K_PATTERN, P50K_PATTERN, R50K_PATTERN } from '../patterns';
import { RankModel } from '../rank-model';
import { Tokenizer } from '../tokenizer';
import { decodeRankData } from './rank-data';

/** Names accepted by `getEncoding`. */
export type EncodingName = 'r50k_base' | 'p50k_base' | 'cl100k_base' | 'o200k_base';

interface EncodingDefinition {
  pattern: string;
  specialTokens: Record<string, number>;
  load: () => Promise<{ default: string }>;
}

const ENCODINGS: Record<EncodingName, EncodingDefinition> = {
  r50k_base: {
    pattern: R50K_PATTERN,
    specialTokens: { '<|endoftext|>': 50256 },
    load: () => import('../generated/r50k-base'),
  },
  p50k_base: {
    pattern: P50K_PATTERN,
    specialTokens: { '<|endoftext|>': 50256 },
    load: () => import('../generated/p50k-base'),
  },
  cl100k_base: {
    pattern: CL100K_PATTERN,
    specialTokens: {
      '<|endoftext|>': 100257,
      '<|fim_prefix|>': 100258,
      '<|fim_middle|>': 100259,
      '<|fim_suffix|>': 100260,
      '<|endofprompt|>': 100276,
    },
    load: () => import('../generated/cl100k-base'),
  },
  o200k_base: {
    pattern: O200K_PATTERN,
    specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
    load: () => import('../generated/o200k-base'),
  },
};

const loaded = new Map<EncodingName, Promise<Tokenizer>>();

/** True for a built-in encoding name. */
export function isEncodingName(name: unknown): name is EncodingName {
  return typeof name === 'string' && Object.hasOwn(ENCODINGS, name);
}

/**
 * A built-in encoding, bit-exact with tiktoken. The rank table is imported on first use and the
 * Tokenizer is shared by later calls.
 * @example const enc = await getEncoding('r50k_base'); enc.encode('The cat sat on') // [464, 3797, 3332, 319]
 */
export function getEncoding(name: EncodingName): Promise<Tokenizer> {
  if (!isEncodingName(name)) return Promise.reject(new UnknownEncodingError(name));
  let tokenizer = loaded.get(name);
  if (tokenizer === undefined) {
    const definition = ENCODINGS[name];
    tokenizer = definition.load().then(
      (data) =>
        new Tokenizer({
          model: new RankModel(decodeRankData(data.default), { charLevel: false }),
          pattern: definition.pattern,
          specialTokens: new Map(Object.entries(definition.specialTokens)),
          addedTokens: new Map(),
          stripLeadingSpace: false,
          origin: { kind: 'ranks' },
        }),
    );
    tokenizer.catch(() => loaded.delete(name));
    loaded.set(name, tokenizer);
  }
  return tokenizer;
}
