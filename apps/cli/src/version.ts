import { readFileSync } from 'node:fs';

/** The version of @llmf/cli, read from its package.json (one folder up from src/ and from dist/). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
