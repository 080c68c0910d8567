// Terminal conventions: colour only when the stream is a TTY and NO_COLOR (https://no-color.org) is not
// set; FORCE_COLOR forces it on (as chalk and Node do) unless NO_COLOR is set too.

/** The part of a writable stream the CLI uses. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** Whether to emit ANSI colours on `stream`, given the environment. NO_COLOR always wins. */
export function shouldColor(stream: OutStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** ANSI styles; each returns the text unchanged when colour is off. */
export function styles(enabled: boolean) {
  const wrap = (open: string, close: string) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    enabled,
    bold: wrap('1', '22'),
    dim: wrap('2', '22'),
    red: wrap('31', '39'),
    green: wrap('32', '39'),
    yellow: wrap('33', '39'),
    cyan: wrap('36', '39'),
    /** Background colours cycled by `llmf tokenize` so neighbouring pieces stand apart. */
    piece: (text: string, index: number) => {
      if (!enabled) return text;
      const backgrounds = ['48;5;153', '48;5;223', '48;5;194', '48;5;225', '48;5;230'];
      return `\x1b[${backgrounds[index % backgrounds.length]};30m${text}\x1b[0m`;
    },
  };
}

export type Styles = ReturnType<typeof styles>;

/** Read all of stdin as UTF-8. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Let the event loop run (pending writes to a pipe, a Ctrl-C). Model steps are synchronous and an async
 * generator only yields to microtasks, so generation loops call this once per token: without it, piped
 * output would arrive all at the end and SIGINT would be handled only after the last token.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
