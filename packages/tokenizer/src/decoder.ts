// Streaming decode: ids arrive one at a time (generation); text is emitted as soon as it is complete.
// A token may end inside a UTF-8 character (an emoji is often 2–4 byte tokens): TextDecoder's stream
// mode holds the incomplete tail back until the next bytes complete it. `end()` flushes a tail that never
// completed as U+FFFD.

/** Streaming decoder returned by `Tokenizer.createDecoder()`. */
export interface StreamDecoder {
  /** Adds one id; returns the text that is now complete (possibly ''). */
  write(id: number): string;
  /** Ends the stream; returns leftover bytes as U+FFFD ('' when nothing is pending). */
  end(): string;
}

/** @param keyOf id → token bytes as a latin1 key (throws for unknown ids) */
export function createStreamDecoder(
  keyOf: (id: number) => string,
  stripLeadingSpace: boolean,
): StreamDecoder {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  return {
    write(id: number): string {
      let key = keyOf(id);
      if (first && stripLeadingSpace && key.charCodeAt(0) === 0x20) key = key.slice(1);
      if (key.length > 0) first = false;
      const bytes = new Uint8Array(key.length);
      for (let i = 0; i < key.length; i++) bytes[i] = key.charCodeAt(i);
      return decoder.decode(bytes, { stream: true });
    },
    end(): string {
      first = true;
      return decoder.decode();
    },
  };
}
