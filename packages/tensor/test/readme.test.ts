// Runs examples/readme.ts (the README's example) and checks what it prints.
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('the README example prints the logits, probabilities and the checkpoint round trip', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  await import('../examples/readme');
  expect(lines).toEqual([
    '[3,1,1,3]',
    '[0.881,0.119,0.119,0.881]',
    'lm_head.weight BF16 [2,3] 12',
    '[1,1,1,0,2,0]',
    `model.safetensors: tensor "lm_head.weight" ends at byte 12 but the file's data section has 10 bytes (truncated download?)`,
  ]);
});
