// Run by test/lazy-load-dist.test.ts in a fresh Node: imports the BUILT package (ESM, dist/index.js) with a
// hook recording every loaded URL, then prints one JSON line: the loaded URLs after
// import('@llmf/tokenizer') and after getEncoding('cl100k_base'), and the ids of a short text.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = [];
let waiting;
port1.on('message', (url) => {
  loaded.push(url);
  if (waiting !== undefined && url === waiting.url) waiting.resolve();
});
register('./record-loads-hook.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

// the hook runs on another thread: import a marker module and wait for its URL, so every earlier load
// has been reported (messages on one port arrive in order)
let markers = 0;
async function settled() {
  const url = `data:text/javascript,export default ${++markers};`;
  const arrived = new Promise((resolve) => {
    waiting = { url, resolve };
  });
  await import(url);
  await arrived;
  return loaded.filter((u) => !u.startsWith('data:'));
}

const entry = import.meta.resolve('@llmf/tokenizer');
const { getEncoding } = await import('@llmf/tokenizer');
const afterImport = await settled();
const enc = await getEncoding('cl100k_base');
const afterGetEncoding = await settled();
port1.close();
console.log(JSON.stringify({ entry, afterImport, afterGetEncoding, ids: enc.encode('hello world') }));
