// The benchmark text: several MB of real, non-repeating text read from the pinned `typescript` package
// (no network): its compiler messages in 13 languages (prose: cs de es fr it ja ko pl pt-br ru tr zh-cn
// zh-tw) and two of its declaration files (English doc comments + code). Deterministic for a lockfile.
// The same sources feed the large-corpus differential test (test/large-corpus.test.ts).
import { typescriptDeclarations, typescriptMessages } from '../test/support/text-sources';

/** ~5 MB of multilingual prose and code; '<|' is removed so no encoder sees special-token text. */
export function benchText(): string {
  const parts = [...typescriptMessages(), ...typescriptDeclarations()].map((s) => s.text);
  return parts.join('\n\n').replaceAll('<|', '< |');
}
