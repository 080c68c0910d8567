// Progress bars on stderr for long work (loading, downloading, training). Drawn only when stderr is a
// terminal: in a pipe or a log file a redrawn line is noise, so nothing is printed there.

import type { OutStream } from './terminal';

/** 1536 → '1.5 KB'. Decimal units, as download tools show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * One line of a progress bar: `label [#########.........]  45% 1.2 MB/2.7 MB`.
 * `total` 0 or unknown draws no bar, only the count. `width` is the bar's inner width in characters.
 */
export function renderProgress(
  label: string,
  done: number,
  total: number | undefined,
  o: { width?: number; bytes?: boolean } = {},
): string {
  const width = o.width ?? 24;
  const show = (n: number) => (o.bytes ? formatBytes(n) : String(n));
  if (!total || total <= 0) return `${label} ${show(done)}`;
  const fraction = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${label} [${bar}] ${percent} ${show(done)}/${show(total)}`;
}

/** A redrawn progress line on a TTY stream; silent elsewhere. Redraws at most every 80 ms. */
export class ProgressBar {
  private last = 0;
  private drawn = false;
  readonly enabled: boolean;

  constructor(
    private readonly stream: OutStream,
    private label: string,
    private total?: number,
    private readonly o: { bytes?: boolean; enabled?: boolean } = {},
  ) {
    this.enabled = o.enabled ?? stream.isTTY === true;
  }

  /** Report `done` units of `total` (the total may become known late). */
  update(done: number, total?: number, label?: string): void {
    if (total !== undefined) this.total = total;
    if (label !== undefined) this.label = label;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 80 && !(this.total && done >= this.total)) return;
    this.last = now;
    const columns = this.stream.columns ?? 80;
    const line = renderProgress(this.label, done, this.total, { bytes: this.o.bytes });
    this.stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
    this.drawn = true;
  }

  /** Clear the line (the bar is transient; the command prints its own summary). */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
