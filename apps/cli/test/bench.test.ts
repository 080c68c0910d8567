// `llmf bench`: one JSON object with the rates, and its validation.

import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli';

describe('llmf bench', () => {
  test('--json prints exactly one JSON object with prefill_tok_s and decode_tok_s', async () => {
    const r = await runCli(['bench', '--prompt-tokens', '16', '--gen-tokens', '8', '--runs', '1', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out.prompt_tokens).toBe(16);
    expect(out.prefill_tok_s).toBeGreaterThan(0);
    expect(out.decode_tok_s).toBeGreaterThanOrEqual(0);
    expect(out.gen_tokens).toBeGreaterThan(0);
    expect(out.gen_tokens).toBeLessThanOrEqual(8);
    expect(out.load_ms).toBeGreaterThan(0);
    expect(out.peak_rss_mb).toBeGreaterThan(10);
    expect(typeof out.backend).toBe('string');
  });

  test('every run prefills the whole prompt: no run reuses the KV cache of the run before', async () => {
    const r = await runCli(['bench', '-p', '12', '-g', '3', '--runs', '3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runs).toBe(3);
    expect(out.cached_tokens).toBe(0);
  });

  test('a table without --json; lengths beyond the context are refused', async () => {
    const r = await runCli(['bench', '-p', '8', '-g', '4', '--runs', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prefill +[\d.]+ tok\/s \(8 prompt tokens\)$/m);
    expect(r.stdout).toMatch(/^decode +[\d.]+ tok\/s/m);
    const tooLong = await runCli(['bench', '--prompt-tokens', '120', '--gen-tokens', '20']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/= 140 exceeds the model's context of 128/);
    const zero = await runCli(['bench', '--gen-tokens', '0']);
    expect(zero.code).toBe(2);
  });
});
