// Special-token handling with tiktoken's rules:
//   encode(text)                               → throws if any special token's text appears
//   encode(text, { allowedSpecial: 'all' })    → special text becomes the special id
//   encode(text, { disallowedSpecial: [] })    → special text is encoded as ordinary text
// disallowedSpecial defaults to 'all', which means "every special token not allowed".

import { DisallowedSpecialError, InvalidArgumentError } from './error-types';

/** The `encode` options. */
export interface EncodeOptions {
  /** Special tokens recognised in the text and encoded as their id ('all' or a list of their texts). */
  allowedSpecial?: 'all' | Iterable<string>;
  /** Special tokens whose text makes `encode` throw DisallowedSpecialError (default 'all': every one not allowed). */
  disallowedSpecial?: 'all' | Iterable<string>;
}

function resolve(value: 'all' | Iterable<string> | undefined, specials: Map<string, number>, name: string) {
  if (value === undefined) return new Set<string>();
  if (value === 'all') return new Set(specials.keys());
  if (typeof value === 'string' || typeof (value as Iterable<string>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`${name} must be 'all' or an iterable of special-token strings.`);
  }
  const set = new Set<string>();
  for (const token of value) {
    if (!specials.has(token)) {
      throw new InvalidArgumentError(
        `${name} names ${JSON.stringify(token)}, which is not a special token of this tokenizer; ` +
          `its special tokens are ${JSON.stringify([...specials.keys()].slice(0, 20))}.`,
      );
    }
    set.add(token);
  }
  return set;
}

/** The allowed set for these options, after throwing if a disallowed special token occurs in `text`. */
export function checkSpecials(text: string, specials: Map<string, number>, o: EncodeOptions | undefined) {
  if (o !== undefined && (typeof o !== 'object' || o === null)) {
    throw new InvalidArgumentError('encode options must be an object like { allowedSpecial: "all" }.');
  }
  const allowed = resolve(o?.allowedSpecial, specials, 'allowedSpecial');
  const disallowed =
    o?.disallowedSpecial === undefined || o.disallowedSpecial === 'all'
      ? new Set([...specials.keys()].filter((t) => !allowed.has(t)))
      : resolve(o.disallowedSpecial, specials, 'disallowedSpecial');
  let first = -1;
  let found = '';
  for (const token of disallowed) {
    const at = text.indexOf(token);
    if (at >= 0 && (first < 0 || at < first || (at === first && token.length > found.length))) {
      first = at;
      found = token;
    }
  }
  if (first >= 0) throw new DisallowedSpecialError(found);
  return allowed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A regex matching any of `tokens`, longest first (so `<|a|>` never hides `<|a|>x`). */
export function tokenRegex(tokens: Iterable<string>): RegExp | null {
  const list = [...tokens].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return null;
  return new RegExp(list.map(escapeRegExp).join('|'), 'gu');
}

/** Validates `{ text: id }` special tokens against the ordinary ids in use. */
export function specialTokenMap(
  specials: Record<string, number> | undefined,
  ordinaryIds: Iterable<number>,
): Map<string, number> {
  const map = new Map<string, number>();
  if (specials === undefined) return map;
  if (typeof specials !== 'object' || specials === null) {
    throw new InvalidArgumentError('specialTokens must be an object { text: id }.');
  }
  const used = new Set(ordinaryIds);
  for (const [text, id] of Object.entries(specials)) {
    if (!Number.isInteger(id) || id < 0 || text.length === 0) {
      throw new InvalidArgumentError(
        `Special token ${JSON.stringify(text)} needs a non-negative integer id.`,
      );
    }
    if (used.has(id)) {
      throw new InvalidArgumentError(
        `Special token ${JSON.stringify(text)} has id ${id}, which another token uses.`,
      );
    }
    used.add(id);
    map.set(text, id);
  }
  return map;
}
