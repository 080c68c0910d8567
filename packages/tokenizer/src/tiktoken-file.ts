// The .tiktoken rank file: one token per line, "<base64 of the token bytes> <rank>", rank = id.

import { base64ToKey, keyToBase64 } from './bytes';
import { TokenizerFormatError } from './error-types';

/** Parses .tiktoken text (or its bytes) into token bytes (latin1 key) → rank. */
export function parseTiktoken(file: string | Uint8Array): Map<string, number> {
  let text: string;
  if (typeof file === 'string') text = file;
  else if (file instanceof Uint8Array) text = new TextDecoder('utf-8').decode(file);
  else throw new TokenizerFormatError('A .tiktoken file must be given as a string or a Uint8Array.');
  const ranks = new Map<string, number>();
  const seen = new Set<number>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    const token = line.slice(0, space);
    const rank = Number(line.slice(space + 1));
    if (space <= 0 || !Number.isInteger(rank) || rank < 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(token)) {
      throw new TokenizerFormatError(
        `.tiktoken line ${lineNo} is ${JSON.stringify(line.slice(0, 60))}; expected "<base64 token> <rank>".`,
      );
    }
    let key: string;
    try {
      key = base64ToKey(token);
    } catch (cause) {
      throw new TokenizerFormatError(`.tiktoken line ${lineNo}: ${JSON.stringify(token)} is not base64.`, {
        cause,
      });
    }
    if (ranks.has(key) || seen.has(rank)) {
      throw new TokenizerFormatError(`.tiktoken line ${lineNo}: duplicate token or rank ${rank}.`);
    }
    ranks.set(key, rank);
    seen.add(rank);
  }
  if (ranks.size === 0) throw new TokenizerFormatError('The .tiktoken file has no tokens.');
  return ranks;
}

/** .tiktoken text for id → token bytes (latin1 keys), in id order. */
export function serializeTiktoken(keys: readonly (string | undefined)[]): string {
  const lines: string[] = [];
  keys.forEach((key, id) => {
    if (key !== undefined) lines.push(`${keyToBase64(key)} ${id}`);
  });
  return `${lines.join('\n')}\n`;
}
