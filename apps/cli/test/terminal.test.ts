// Colour decisions and the progress line.

import { describe, expect, test } from 'vitest';
import { formatBytes, ProgressBar, renderProgress } from '../src/progress';
import { shouldColor, styles } from '../src/terminal';

const tty = { isTTY: true, write: () => true };
const pipe = { isTTY: false, write: () => true };

describe('shouldColor', () => {
  test('colour on a TTY only, never with NO_COLOR, forced by FORCE_COLOR', () => {
    expect(shouldColor(tty, {})).toBe(true);
    expect(shouldColor(pipe, {})).toBe(false);
    expect(shouldColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(shouldColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(tty, { TERM: 'dumb' })).toBe(false);
    // NO_COLOR set but empty does not count (no-color.org)
    expect(shouldColor(tty, { NO_COLOR: '' })).toBe(true);
  });

  test('styles are the identity when colour is off', () => {
    const off = styles(false);
    expect(off.red('x')).toBe('x');
    expect(off.piece('x', 3)).toBe('x');
    expect(styles(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});

describe('progress', () => {
  test('renderProgress draws a bar, a percentage and the counts', () => {
    expect(renderProgress('model.safetensors', 500, 1000, { width: 10, bytes: true })).toBe(
      'model.safetensors [#####.....]  50% 500 B/1.0 KB',
    );
    expect(renderProgress('merges', 3, 3, { width: 4 })).toBe('merges [####] 100% 3/3');
    expect(renderProgress('x', 7, undefined)).toBe('x 7');
  });

  test('formatBytes uses decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
  });

  test('a bar writes nothing when the stream is not a terminal', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s) => written.push(String(s)) > 0 }, 'x', 10);
    bar.update(10);
    bar.done();
    expect(written).toEqual([]);
    const ttyWritten: string[] = [];
    const ttyBar = new ProgressBar(
      { isTTY: true, columns: 80, write: (s) => ttyWritten.push(String(s)) > 0 },
      'x',
      10,
    );
    ttyBar.update(10);
    ttyBar.done();
    expect(ttyWritten[0]).toContain('x [');
    expect(ttyWritten.at(-1)).toBe('\r\x1b[2K');
  });
});
