// Request → prompt ids and generation options. Chat messages go through the model's chat template (the
// same rendering as `llmf chat`); the sampling fields map one to one onto the runtime's GenerateOptions.

import { LlmfError } from '@llmf/tensor';
import type { ChatMessage, ChatTemplate } from '../chat-template';
import type { GenerateOptions, LLM } from '../runtime';
import { badRequest, HttpError } from './http-error';
import type { ChatRequest, CompletionRequest } from './schemas';

/** What a generation request resolves to before it waits for the model. */
export interface PreparedPrompt {
  ids: number[];
  options: Omit<GenerateOptions, 'signal'>;
  /** Text to send before the generated text (`echo` on /v1/completions). */
  echo: string;
}

/** OpenAI's default `max_tokens` for /v1/completions; chat's default is the room left in the context. */
export const COMPLETION_DEFAULT_MAX_TOKENS = 16;

/** A library error caused by the request (a token id outside the vocabulary...) → 400; others pass. */
export function asRequestError(error: unknown): unknown {
  if (
    LlmfError.isInstance(error) &&
    ['INVALID_ARGUMENT', 'UNKNOWN_TOKEN', 'DISALLOWED_SPECIAL', 'CONTEXT_OVERFLOW'].includes(error.code)
  ) {
    const code = error.code === 'CONTEXT_OVERFLOW' ? 'context_length_exceeded' : error.code.toLowerCase();
    return badRequest(error.message.replace(/^generate: /, ''), code);
  }
  return error;
}

type SamplingFields = Pick<
  CompletionRequest,
  'temperature' | 'top_p' | 'top_k' | 'min_p' | 'repetition_penalty' | 'seed' | 'stop'
>;

/** The runtime's options for the request's sampling fields (null and absent mean the runtime's default). */
export function samplingFromBody(
  body: SamplingFields,
  extraStops: string[] = [],
): Omit<GenerateOptions, 'signal' | 'maxTokens'> {
  const stop = [...(typeof body.stop === 'string' ? [body.stop] : (body.stop ?? [])), ...extraStops];
  const options: Omit<GenerateOptions, 'signal' | 'maxTokens'> = {};
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  // top_k 0 means no limit, as in llama.cpp and vLLM (-1 there)
  if (body.top_k != null && body.top_k > 0) options.topK = body.top_k;
  if (body.min_p != null) options.minP = body.min_p;
  if (body.repetition_penalty != null) options.repetitionPenalty = body.repetition_penalty;
  if (body.seed != null) options.seed = body.seed;
  if (stop.length > 0) options.stop = stop;
  return options;
}

/** `max_tokens` clamped to the room the prompt leaves in the context; 400 when there is none. */
function fitContext(
  llm: LLM,
  promptTokens: number,
  requested: number | undefined,
  param: 'prompt' | 'messages',
): number {
  const context = llm.contextLength;
  if (promptTokens >= context) {
    throw badRequest(
      `the prompt is ${promptTokens} tokens but the model's context is ${context}; shorten it`,
      'context_length_exceeded',
      param,
    );
  }
  return Math.min(requested ?? context, context - promptTokens);
}

/** /v1/completions: a text prompt (special-token text is read as plain text) or token ids. */
export function completionPrompt(llm: LLM, body: CompletionRequest): PreparedPrompt {
  const prompt =
    Array.isArray(body.prompt) && body.prompt.length === 1 && typeof body.prompt[0] !== 'number'
      ? (body.prompt[0] as string | number[])
      : (body.prompt as string | number[]);
  let ids: number[];
  try {
    if (typeof prompt === 'string') {
      ids = llm.tokenizer.encode(prompt, { disallowedSpecial: [] });
    } else {
      const vocab = llm.config.vocabSize;
      const bad = prompt.find((id) => id >= vocab);
      if (bad !== undefined)
        throw badRequest(
          `prompt token id ${bad} is outside the vocabulary 0..${vocab - 1}`,
          'unknown_token',
          'prompt',
        );
      ids = prompt;
    }
  } catch (error) {
    throw asRequestError(error);
  }
  if (ids.length === 0) {
    // an empty prompt starts from BOS, as the runtime does
    const bos = llm.config.bosTokenId;
    if (bos === undefined)
      throw badRequest('the prompt is empty and the model has no BOS token to start from');
    ids = [bos];
  }
  const maxTokens = fitContext(llm, ids.length, body.max_tokens ?? COMPLETION_DEFAULT_MAX_TOKENS, 'prompt');
  const echo = body.echo ? (typeof prompt === 'string' ? prompt : llm.tokenizer.decode(prompt)) : '';
  return { ids, options: { ...samplingFromBody(body), maxTokens }, echo };
}

/** The text of a message's content: a string, or its text parts joined by newlines. */
function contentText(content: ChatRequest['messages'][number]['content']): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

/** /v1/chat/completions: messages rendered with the chat template, generation prompt added. */
export function chatPrompt(llm: LLM, template: ChatTemplate | HttpError, body: ChatRequest): PreparedPrompt {
  if (template instanceof HttpError) throw template;
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: contentText(m.content),
  }));
  let rendered: string;
  try {
    rendered = template.render(messages);
  } catch (error) {
    // templates raise for conversations they do not accept, e.g. roles that do not alternate
    throw badRequest(
      `the model's chat template refused these messages: ${(error as Error).message}`,
      'chat_template_error',
      'messages',
    );
  }
  let ids: number[];
  try {
    ids = llm.tokenizer.encode(rendered, { allowedSpecial: 'all' });
  } catch (error) {
    throw asRequestError(error);
  }
  const maxTokens = fitContext(
    llm,
    ids.length,
    body.max_completion_tokens ?? body.max_tokens ?? undefined,
    'messages',
  );
  const stops = template.eosToken ? [template.eosToken] : [];
  return { ids, options: { ...samplingFromBody(body, stops), maxTokens }, echo: '' };
}
