// Runs examples/readme.ts (the README's example) and checks what it prints.
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('the README example loads the GPT-2 fixture and decodes its greedy ids', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  await import('../examples/readme');
  expect(lines).toEqual(['gpt2 2 64 1025', 'true', '[97,783,774,835,100] 14']);
});
