#!/usr/bin/env node
// The `llmf` executable.

import { main } from './main';

// `llmf ... | head` closes stdout early: stop quietly instead of throwing EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`llmf: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
