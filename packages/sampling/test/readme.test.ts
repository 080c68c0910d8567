// Runs examples/readme.ts (the README's example) and checks what it prints.
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('the README example prints the seed tables and a reproducible sample', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  await import('../examples/readme');
  expect(lines).toEqual([
    '[0.58,0.21,0.13,0.08]',
    '[0.83,0.11,0.04,0.02]',
    '[0.73,0.27,0,0]',
    '[0.73,0.27,0,0]',
    'on',
    'on on mat mat on on on on', // pinned: the xoshiro128** stream of seed 42 is the same everywhere
  ]);
});
