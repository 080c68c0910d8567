// The default model's corpus cleaning: headings and verse numbers out, one verse per line, chapters apart.
import { expect, it } from 'vitest';
import { cleanKjv } from '../scripts/kjv-corpus';

it('keeps the verse text of a `bible -l0` listing', () => {
  const listing = [
    '',
    'Genesis 1',
    '',
    '  1 In the beginning God created the heaven and the earth.',
    '  2 And the earth was without form, and void.',
    '',
    'Genesis 2',
    '',
    '  1 Thus the heavens and the earth were finished.',
    '',
  ].join('\n');
  expect(cleanKjv(listing)).toBe(
    'In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.\n\nThus the heavens and the earth were finished.\n',
  );
});
