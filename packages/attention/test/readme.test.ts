// Runs examples/readme.ts (the README's example) and checks what it prints.
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('the README example prints the seed dry run, the causal mask table and the cache view', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  await import('../examples/readme');
  expect(lines).toEqual([
    '[0.27,0.27,0.45,0.38,0.38,0.23,0.51,0.19,0.31]',
    '[0.73,0.73,0.27,0.27]',
    '✓ ✗ ✗ ✗',
    '✓ ✓ ✗ ✗',
    '✓ ✓ ✓ ✗',
    '✓ ✓ ✓ ✓',
    '[1,0,0]',
    '[0,1,0,1,0.84,0.54,0.01,1]',
    '[3,1,4]',
  ]);
});
