// The progress display of `llmf train`: on a terminal, one redrawn line (the shared ProgressBar) carrying
// step/steps, loss, validation loss once measured, tokens/s and ETA; the text formatting helpers.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { describeStep, formatDuration } from '../src/commands/train';
import { main } from '../src/main';

const dir = mkdtempSync(join(tmpdir(), 'llmf-train-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmf train progress', () => {
  test('durations and step lines', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('?');
    const p = {
      step: 10,
      steps: 400,
      loss: 4.12345,
      lr: 1e-3,
      gradNorm: 1,
      tokensPerSecond: 1234.4,
      etaMs: 32_000,
    };
    expect(describeStep(p, Number.NaN)).toBe('step 10/400 loss 4.1235 1234 tok/s ETA 0:32');
    expect(describeStep(p, 4.30123)).toBe('step 10/400 loss 4.1235 val 4.3012 1234 tok/s ETA 0:32');
  });

  test('on a terminal: a redrawn bar with loss, val loss, tok/s and ETA; the summary on stdout', async () => {
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(corpus, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(40));
    let stderr = '';
    let stdout = '';
    const code = await main(
      [
        'train',
        corpus,
        '-o',
        join(dir, 'out'),
        '--vocab-size',
        '270',
        '--layers',
        '1',
        '--d-model',
        '8',
        '--heads',
        '2',
        '--context',
        '8',
        '--steps',
        '12',
        '--batch-size',
        '2',
        '--eval-every',
        '5',
        '--backend',
        'js',
      ],
      {
        stdout: {
          write(s) {
            stdout += String(s);
            return true;
          },
        },
        stderr: {
          write(s) {
            stderr += String(s);
            return true;
          },
          isTTY: true,
          columns: 200,
        },
        stdin: process.stdin,
        env: { NO_COLOR: '1' },
      },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('\r\x1b[2K');
    // The last frame: all steps, the validation loss of step 10, and a full bar.
    expect(stderr).toMatch(
      /step 12\/12 loss \d+\.\d{4} val \d+\.\d{4} \d+ tok\/s ETA 0:00 \[#{24}\] 100% 12\/12/,
    );
    expect(stderr).not.toMatch(/^step \d+\/12/m); // no log lines on a terminal
    expect(stdout).toMatch(/^trained steps 1–12 of 12 in \d+\.\d s \(\d+ tok\/s\), [\d,]+ parameters\n/);
    expect(stdout).toMatch(/\ntrain loss \d+\.\d{4}, val loss \d+\.\d{4} \(perplexity \d+\.\d{2}\)\n/);
    expect(stdout).toContain(`model → ${join(dir, 'out')}`);
  });
});
