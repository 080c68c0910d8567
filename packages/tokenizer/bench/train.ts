// Benchmark: trainBPE vs Hugging Face tokenizers' Rust BpeTrainer (npm @anush008/tokenizers, a napi build
// of tokenizers 0.22), both byte-level with GPT-2's pre-tokenization regex, on one thread.
//
//   pnpm --filter @llmf/tokenizer bench:train [-- --runs 3]
//
// Corpus (real English, no network): the Markdown docs inside this repo's installed npm packages
// (<repo>/node_modules/.pnpm/**/*.md), then the Debian docs of the machine (/usr/share/doc/**/*.{md,txt,rst}
// — on the Debian 12 image used for the README figures mostly the Node.js API docs — and
// /usr/share/common-licenses/*); changelogs skipped, each source sorted by path, identical files once,
// concatenated and cut at a line end to 1, 2, 4 and 6 MB (UTF-8). Prose with code, tables and licence texts.
//
// Each measurement runs in a fresh Node process (no warm JIT, no shared heap): ours times
// trainBPE(text, { vocabSize }) end to end (pre-tokenization, counting, merges, building the Tokenizer);
// HF times tokenizer.train([file]) (reading the file, pre-tokenization, counting, merges) with
// RAYON_NUM_THREADS=1. The HF binding only exposes BpeTrainer's defaults (vocab_size 30000, min_frequency 0),
// so vocabulary-size scaling is measured for trainBPE alone.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type Dirent, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const MB = 1_000_000;
const HF_VOCAB = 30_000;
let corpusFileCount = 0;

interface Sample {
  /** wall-clock seconds of the training call */
  seconds: number;
  /** CPU seconds (user + system, all threads of the process) spent in it: steadier on a busy machine */
  cpu: number;
  vocab: number;
}

const args = process.argv.slice(2);
if (args[0] === '--worker') await worker(args[1]!, args[2]!, Number(args[3]));
else await main();

async function main(): Promise<void> {
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 3;
  const dir = join(tmpdir(), 'llmf-bench-train');
  mkdirSync(dir, { recursive: true });
  const full = buildCorpus(6 * MB);
  const files = new Map<number, string>();
  for (const mb of [1, 2, 4, 6]) {
    const file = join(dir, `corpus-${mb}mb.txt`);
    writeFileSync(file, cutAtLine(full, mb * MB));
    files.set(mb, file);
  }
  const fullMB = Buffer.byteLength(full) / MB;
  console.log(
    `corpus: ${corpusFileCount} text files (npm package docs, Debian docs), ${fullMB.toFixed(1)} MB`,
  );
  if (fullMB < 6) console.log('warning: less than 6 MB of text found; the 6 MB row uses all of it');
  console.log(`runs per cell: ${runs} (median), each in a fresh process; RAYON_NUM_THREADS=1 for HF`);
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores\n`,
  );

  const rows: {
    corpusMB: number;
    vocabSize: number;
    ours: Sample;
    hf: Sample | null;
    ratio: number | null;
    cpuRatio: number | null;
  }[] = [];
  const cells: [number, number, boolean][] = [
    [1, HF_VOCAB, true],
    [2, HF_VOCAB, true],
    [4, HF_VOCAB, true],
    [6, HF_VOCAB, true],
    [6, 5_000, false],
    [6, 10_000, false],
  ];
  console.log(
    'corpus  vocab   | wall s: trainBPE   HF   ratio | CPU s: trainBPE   HF   ratio | vocab reached (ours / HF)',
  );
  for (const [mb, vocabSize, withHf] of cells) {
    const file = files.get(mb)!;
    // ours and HF alternate, so load from other processes on the machine hits both alike
    const ourSamples: Sample[] = [];
    const hfSamples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      ourSamples.push(measure('ours', file, vocabSize));
      if (withHf) hfSamples.push(measure('hf', file, vocabSize));
    }
    const ours = median(ourSamples);
    const hf = withHf ? median(hfSamples) : null;
    const ratio = hf === null ? null : ours.seconds / hf.seconds;
    const cpuRatio = hf === null ? null : ours.cpu / hf.cpu;
    rows.push({ corpusMB: mb, vocabSize, ours, hf, ratio, cpuRatio });
    const cell = (x: number | null | undefined, width: number) =>
      (x === null || x === undefined ? '—' : x.toFixed(2)).padStart(width);
    console.log(
      `${`${mb} MB`.padEnd(8)}${String(vocabSize).padEnd(8)}|${cell(ours.seconds, 17)}${cell(hf?.seconds, 6)}` +
        `${cell(ratio, 8)} |${cell(ours.cpu, 16)}${cell(hf?.cpu, 6)}${cell(cpuRatio, 8)} | ` +
        `${ours.vocab} / ${hf === null ? '—' : hf.vocab}`,
    );
  }
  const check = await verify(readFileSync(files.get(6)!, 'utf8'), HF_VOCAB);
  console.log(
    `\ncheck (6 MB, ${HF_VOCAB}): Tokenizer.encode reproduces the trainer's segmentation of ` +
      `${check.same}/${check.pieces} unique pieces; ${check.sharedWithHf} of ${check.tokens} tokens are also in HF's ` +
      `vocabulary (HF breaks ties differently)\n`,
  );
  console.log(
    JSON.stringify({
      bench: 'trainBPE',
      check,
      peer: '@anush008/tokenizers 0.6.0 (HF tokenizers 0.22 BpeTrainer), RAYON_NUM_THREADS=1',
      runs,
      load_average: loadavg().map(round),
      results: rows.map((r) => ({
        corpus_mb: r.corpusMB,
        vocab_size: r.vocabSize,
        trainbpe_s: round(r.ours.seconds),
        hf_s: r.hf === null ? null : round(r.hf.seconds),
        ratio: r.ratio === null ? null : round(r.ratio),
        trainbpe_cpu_s: round(r.ours.cpu),
        hf_cpu_s: r.hf === null ? null : round(r.hf.cpu),
        cpu_ratio: r.cpuRatio === null ? null : round(r.cpuRatio),
      })),
    }),
  );
}

/**
 * Correctness at scale: the trained Tokenizer (rank = id merging) must segment every unique piece of the corpus
 * exactly as the trainer did; and how much of the vocabulary HF's trainer also learned (tie-breaks differ).
 */
async function verify(text: string, vocabSize: number) {
  const { trainBPE } = await import('../src/index');
  const { compilePattern, R50K_PATTERN } = await import('../src/patterns');
  const { byteWords, countPieces, regexPieces } = await import('../src/train/corpus');
  const { learnMerges } = await import('../src/train/learn-merges');
  const counts = countPieces([text], regexPieces(compilePattern(R50K_PATTERN)), null); // the regex, not the scanner
  const pieces = [...counts.keys()]; // word w of the table = pieces[w]
  const base = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
  const trained = learnMerges(byteWords(counts), { baseKeys: base, maxTokens: vocabSize });
  const tok = trainBPE(text, { vocabSize });
  let same = 0;
  pieces.forEach((piece, w) => {
    const { symbols, starts, lengths } = trained.segmented;
    const expected = Array.from(symbols.subarray(starts[w]!, starts[w]! + lengths[w]!));
    if (JSON.stringify(tok.encode(piece, { disallowedSpecial: [] })) === JSON.stringify(expected)) same++;
  });
  // HF's vocabulary: byte-level strings (GPT-2's byte → char map) → bytes as latin1 keys
  const hf = createRequire(import.meta.url)('@anush008/tokenizers') as typeof import('@anush008/tokenizers');
  const hfTok = new hf.Tokenizer(hf.BPE.empty());
  hfTok.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
  const dir = join(tmpdir(), 'llmf-bench-train');
  hfTok.train([join(dir, 'corpus-6mb.txt')]);
  const unicodeToByte = new Map(byteLevelChars().map((ch, b) => [ch, b]));
  const hfKeys = new Set(
    Object.keys(hfTok.getVocab(false)).map((t) =>
      String.fromCharCode(...[...t].map((ch) => unicodeToByte.get(ch)!)),
    ),
  );
  const ours = new Set(trained.keys);
  let sharedWithHf = 0;
  for (const k of hfKeys) if (ours.has(k)) sharedWithHf++;
  return { pieces: pieces.length, same, tokens: ours.size, sharedWithHf };
}

/** GPT-2's bytes_to_unicode: byte b → the printable character HF's ByteLevel shows it as. */
function byteLevelChars(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++)
    out[b] = printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + n++);
  return out;
}

/** Runs one training in a fresh process and returns its time. */
function measure(kind: 'ours' | 'hf', file: string, vocabSize: number): Sample {
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--worker', kind, file, String(vocabSize)],
    { env: { ...process.env, RAYON_NUM_THREADS: '1' }, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`${kind} worker failed: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Sample;
}

async function worker(kind: string, file: string, vocabSize: number): Promise<void> {
  if (kind === 'ours') {
    const { trainBPE } = await import('../src/index');
    const text = readFileSync(file, 'utf8');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const tok = trainBPE(text, { vocabSize });
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ seconds, cpu: cpuSeconds(c0), vocab: tok.vocabSize }));
  } else {
    const hf = createRequire(import.meta.url)(
      '@anush008/tokenizers',
    ) as typeof import('@anush008/tokenizers');
    const tokenizer = new hf.Tokenizer(hf.BPE.empty());
    // ByteLevel(add_prefix_space = false, use_regex = true): GPT-2's regex, as trainBPE's byte level
    tokenizer.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    tokenizer.train([file]);
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ seconds, cpu: cpuSeconds(c0), vocab: tokenizer.getVocabSize(true) }));
  }
}

/** Text files of the corpus sources, each source sorted by path. */
function corpusFiles(): string[] {
  const pick = (root: string, keep: (name: string) => boolean): string[] => {
    const out: string[] = [];
    const walk = (dir: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // a source this machine does not have
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile() && keep(entry.name)) out.push(path);
      }
    };
    walk(root);
    return out.sort();
  };
  const notChangelog = (name: string) => !/^(changelog|history|news)/i.test(name);
  return [
    ...pick(join(repoRoot, 'node_modules', '.pnpm'), (n) => /\.md$/i.test(n) && notChangelog(n)),
    ...pick('/usr/share/doc', (n) => /\.(md|txt|rst)$/i.test(n) && notChangelog(n)),
    ...pick('/usr/share/common-licenses', () => true),
  ];
}

/** The corpus files concatenated (identical files once), at least `bytes` long or all there is. */
function buildCorpus(bytes: number): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  let total = 0;
  for (const path of corpusFiles()) {
    const text = readFileSync(path, 'utf8');
    const hash = createHash('sha1').update(text).digest('hex');
    if (seen.has(hash) || text.includes('\u0000')) continue;
    seen.add(hash);
    parts.push(text);
    corpusFileCount++;
    total += Buffer.byteLength(text);
    if (total >= bytes) break;
  }
  return parts.join('\n');
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends with a line end. */
function cutAtLine(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  const end = buffer.lastIndexOf(0x0a, bytes - 1);
  return buffer.subarray(0, end + 1).toString('utf8');
}

/** Per field median of the samples. */
function median(samples: Sample[]): Sample {
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    seconds: mid(samples.map((s) => s.seconds)),
    cpu: mid(samples.map((s) => s.cpu)),
    vocab: mid(samples.map((s) => s.vocab)),
  };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
