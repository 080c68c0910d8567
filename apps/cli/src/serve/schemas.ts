// Request bodies of the two generation endpoints, validated with zod before any work starts. Fields follow
// OpenAI's API; `top_k`, `min_p` and `repetition_penalty` are extensions (as in vLLM and llama.cpp's server).
// Unknown fields are ignored (clients send extras such as `user`); fields this server cannot honour
// (n > 1, logprobs, non-zero penalties, tools...) are refused with 400 rather than silently dropped.

import { z } from 'zod';
import { badRequest, type HttpError } from './http-error';

const stop = z
  .union([z.string().min(1), z.array(z.string().min(1)).max(4)])
  .nullish()
  .describe('up to 4 stop strings');

/** Sampling and streaming fields shared by both endpoints. */
const common = {
  model: z.string().optional(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  stop,
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
  n: z.literal(1, { message: 'only n = 1 is supported' }).nullish(),
  // OpenAI's additive penalties are not implemented: 0 (their default) is accepted, anything else refused.
  presence_penalty: z
    .literal(0, { message: 'presence_penalty is not supported; use repetition_penalty' })
    .nullish(),
  frequency_penalty: z
    .literal(0, { message: 'frequency_penalty is not supported; use repetition_penalty' })
    .nullish(),
  logit_bias: z
    .record(z.string(), z.number())
    .refine((bias) => Object.keys(bias).length === 0, 'logit_bias is not supported')
    .nullish(),
  user: z.string().nullish(),
  // extensions
  top_k: z.number().int().min(0).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repetition_penalty: z.number().gt(0).nullish(),
};

const tokenIds = z.array(z.number().int().min(0)).min(1);

/** `POST /v1/completions`. The prompt is a string or an array of token ids (one prompt per request). */
export const completionRequest = z.object({
  ...common,
  prompt: z.union([
    z.string(),
    tokenIds,
    z.tuple([z.string()], { message: 'one prompt per request' }),
    z.tuple([tokenIds], { message: 'one prompt per request' }),
  ]),
  echo: z.boolean().nullish(),
  best_of: z.literal(1, { message: 'only best_of = 1 is supported' }).nullish(),
  logprobs: z.null({ message: 'logprobs are not supported' }).optional(),
  suffix: z.null({ message: 'suffix is not supported' }).optional(),
});

/** A message's content: a string, or text parts `[{ type: 'text', text }]`. */
const content = z.union([
  z.string(),
  z.array(
    z.object({
      type: z.literal('text', { message: 'only text content parts are supported' }),
      text: z.string(),
    }),
  ),
]);

/** `POST /v1/chat/completions`. `developer` is OpenAI's newer name for `system`. */
export const chatRequest = z.object({
  ...common,
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant'], {
          message: 'role must be system, developer, user or assistant (tools are not supported)',
        }),
        content,
        name: z.string().optional(),
      }),
    )
    .min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
  logprobs: z.literal(false, { message: 'logprobs are not supported' }).nullish(),
  tools: z.array(z.unknown()).max(0, 'tools are not supported').nullish(),
  response_format: z
    .object({ type: z.literal('text', { message: 'only response_format { type: "text" } is supported' }) })
    .nullish(),
});

export type CompletionRequest = z.infer<typeof completionRequest>;
export type ChatRequest = z.infer<typeof chatRequest>;

/** Parse `body` with `schema`, or a 400 naming the first offending field (`messages.0.role: ...`). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalidBody(result.error);
}

function invalidBody(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.join('.') : null;
  const where = param === null ? '' : `${param}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return badRequest(
    `invalid request body: ${where}${issue?.message ?? 'does not match the schema'}${more}`,
    'invalid_request',
    param,
  );
}
