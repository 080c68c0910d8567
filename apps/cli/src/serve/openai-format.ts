// Response bodies in OpenAI's shapes: whole responses and the chunks of a server-sent-event stream.
//   text completion:  { id: 'cmpl-…', object: 'text_completion', choices: [{ index, text, logprobs, finish_reason }], usage }
//   chat completion:  { id: 'chatcmpl-…', object: 'chat.completion', choices: [{ index, message, logprobs, finish_reason }], usage }
//   chat chunk:       { object: 'chat.completion.chunk', choices: [{ index, delta: { role?, content? }, finish_reason }] }

import { randomUUID } from 'node:crypto';
import type { FinishReason } from '@llmf/runtime-wasm';

/** OpenAI's finish reasons: "stop" (EOS or a stop string), "length" (max_tokens or a full context). */
export type OpenAiFinishReason = 'stop' | 'length';

/** Token counts of one request. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The runtime's reason → OpenAI's. An aborted generation has none (its client is gone or the server stops). */
export function openAiFinishReason(reason: FinishReason | undefined): OpenAiFinishReason | null {
  if (reason === 'eos' || reason === 'stop') return 'stop';
  if (reason === 'length' || reason === 'context') return 'length';
  return null;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** Builds the bodies of one response; `kind` picks the endpoint's shapes. */
export class ResponseFormat {
  readonly id: string;
  readonly created = Math.floor(Date.now() / 1000);

  constructor(
    readonly kind: 'completion' | 'chat',
    readonly model: string,
  ) {
    this.id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`;
  }

  private head(object: string) {
    return { id: this.id, object, created: this.created, model: this.model };
  }

  /** The whole response of a non-streamed request. */
  complete(text: string, finishReason: OpenAiFinishReason | null, counts: Usage) {
    if (this.kind === 'chat') {
      return {
        ...this.head('chat.completion'),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage: counts,
      };
    }
    return {
      ...this.head('text_completion'),
      choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
      usage: counts,
    };
  }

  /** The first event of a chat stream announces the role (text completions have no such event). */
  start(includeUsage: boolean): object | undefined {
    if (this.kind !== 'chat') return undefined;
    return this.chunk({ role: 'assistant', content: '' }, null, includeUsage);
  }

  /** One streamed piece of text. */
  delta(text: string, includeUsage: boolean): object {
    return this.kind === 'chat'
      ? this.chunk({ content: text }, null, includeUsage)
      : this.chunk(text, null, includeUsage);
  }

  /** The event that carries the finish reason, with empty text. */
  finish(finishReason: OpenAiFinishReason | null, includeUsage: boolean): object {
    return this.kind === 'chat'
      ? this.chunk({}, finishReason, includeUsage)
      : this.chunk('', finishReason, includeUsage);
  }

  /** With `stream_options.include_usage`, a last event with no choices carries the token counts. */
  usageChunk(counts: Usage): object {
    return {
      ...this.head(this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion'),
      choices: [],
      usage: counts,
    };
  }

  private chunk(content: string | object, finishReason: OpenAiFinishReason | null, includeUsage: boolean) {
    const choice =
      typeof content === 'string'
        ? { index: 0, text: content, logprobs: null, finish_reason: finishReason }
        : { index: 0, delta: content, logprobs: null, finish_reason: finishReason };
    return {
      ...this.head(this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion'),
      choices: [choice],
      // OpenAI sends `usage: null` on every chunk when the last one will carry the counts.
      ...(includeUsage ? { usage: null } : {}),
    };
  }
}
