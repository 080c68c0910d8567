// The default model's corpus: the King James Version of the Bible (1611; public domain), as shipped by
// Debian's `bible-kjv` / `bible-kjv-text` packages (`apt-get install bible-kjv`). The `bible` program
// prints every verse; this keeps the verse text (no book/chapter headings, no verse numbers), one verse
// per line and a blank line between chapters: about 4.3 MB of English prose.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Verse text from the `bible -l0` listing: "  3 And God said, ..." lines; a heading starts a chapter. */
export function cleanKjv(listing: string): string {
  const chapters: string[][] = [];
  for (const line of listing.split('\n')) {
    const verse = /^\s+\d+ (.*)$/.exec(line);
    if (verse) chapters[chapters.length - 1]?.push(verse[1]!.trim());
    else if (line.trim() !== '') chapters.push([]);
  }
  return `${chapters
    .filter((c) => c.length > 0)
    .map((c) => c.join('\n'))
    .join('\n\n')}\n`;
}

/** Reads the cleaned corpus from `file`, creating it from the `bible` program first if it is missing. */
export function kjvCorpus(file: string): string {
  if (!existsSync(file)) {
    let listing: string;
    try {
      listing = execFileSync('bible', ['-l0', 'gen1:1-rev22:21'], {
        maxBuffer: 64 * 2 ** 20,
        encoding: 'utf8',
      });
    } catch (e) {
      throw new Error(
        `could not run \`bible\` (${(e as Error).message}); install the corpus with \`apt-get install bible-kjv\``,
      );
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, cleanKjv(listing));
  }
  return readFileSync(file, 'utf8');
}
