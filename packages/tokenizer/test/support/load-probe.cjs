// Run by test/lazy-load-dist.test.ts in a fresh Node: requires the BUILT package (CJS, dist/index.cjs) and
// prints one JSON line: the files in require.cache after require('@llmf/tokenizer') and after
// getEncoding('cl100k_base'), and the ids of a short text.
const entry = require.resolve('@llmf/tokenizer');
const { getEncoding } = require('@llmf/tokenizer');
const afterImport = Object.keys(require.cache);
getEncoding('cl100k_base').then((enc) => {
  const afterGetEncoding = Object.keys(require.cache);
  console.log(JSON.stringify({ entry, afterImport, afterGetEncoding, ids: enc.encode('hello world') }));
});
