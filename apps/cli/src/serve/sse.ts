// Server-sent events (the `text/event-stream` format OpenAI streams in): each event is `data: <json>\n\n`,
// and the stream ends with `data: [DONE]\n\n`. Writes wait for the socket to drain, so a slow reader slows
// its generation down instead of buffering tokens in memory.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** One response turned into an event stream. */
export class EventStream {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // proxies such as nginx would otherwise buffer the stream
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
  }

  /** Whether the client is still there to read. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Send one event; resolves when the socket can take more (or the client is gone). */
  async send(data: object): Promise<void> {
    await this.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Send `data: [DONE]` and end the response. */
  async done(): Promise<void> {
    if (!this.open) return;
    this.res.end('data: [DONE]\n\n');
  }

  private async write(text: string): Promise<void> {
    if (!this.open) return;
    if (!this.res.write(text) && this.open) {
      const ac = new AbortController();
      try {
        await Promise.race([
          once(this.res, 'drain', { signal: ac.signal }),
          once(this.res, 'close', { signal: ac.signal }),
        ]);
      } finally {
        ac.abort();
      }
    }
  }
}
