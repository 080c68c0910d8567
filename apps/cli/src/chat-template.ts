// Chat templates: tokenizer_config.json's `chat_template` (Jinja), rendered with @huggingface/jinja the way
// transformers' `apply_chat_template(messages, add_generation_prompt=True)` renders it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { CliError } from './errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A model's chat template with the special tokens it refers to. */
export interface ChatTemplate {
  render(messages: ChatMessage[]): string;
  /** Text of the end-of-sequence token (a turn ends there), if the config names one. */
  eosToken?: string;
}

/** A token in tokenizer_config.json is a string or an AddedToken object `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** Read the chat template of the model in `dir`; throws CliError if it has none. */
export function loadChatTemplate(dir: string, label: string): ChatTemplate {
  const path = join(dir, 'tokenizer_config.json');
  if (!existsSync(path)) {
    throw new CliError(`${label} has no tokenizer_config.json, so no chat template; use 'llmf generate'`);
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${label}: tokenizer_config.json is not valid JSON (${(error as Error).message})`);
  }
  let source = config.chat_template;
  // Some configs hold several named templates: [{ name: 'default', template }, { name: 'tool_use', ... }].
  if (Array.isArray(source)) {
    const named = source as { name?: string; template?: string }[];
    source = (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  if (typeof source !== 'string' || source.length === 0) {
    throw new CliError(
      `${label} has no chat_template in tokenizer_config.json (a base model); use 'llmf generate'`,
    );
  }
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new CliError(`${label}: the chat_template does not parse (${(error as Error).message})`);
  }
  const bosToken = tokenText(config.bos_token);
  const eosToken = tokenText(config.eos_token);
  return {
    eosToken,
    render(messages) {
      return template.render({
        messages,
        add_generation_prompt: true,
        bos_token: bosToken ?? '',
        eos_token: eosToken ?? '',
      });
    },
  };
}
