// `llmf explain PROMPT`: the seed's "Putting It All Together" trace (§6), computed on a real model:
//   1 tokenize → 2 embed (+ positions) → 3 transformer × L (who the last token attends to) → 4 logits →
//   5 sample (softmax, temperature, top-k, top-p, the draw).
// It runs the model with the reference kernels of @llmf/tensor and `recordAttention`, so every number
// shown is the one the model computed.

import type { CommandSpec, ParsedArgs } from '../args';
import type { Command, Context } from '../context';
import { CliError, exitCode } from '../errors';
import { resolveModel } from '../model';
import { readModelTensors } from '../model-files';
import { readPrompt } from './generate';
import { samplingFrom, samplingOptions } from './shared-options';
import { showPiece } from './tokenize';

const spec: CommandSpec = {
  name: 'explain',
  summary: 'Walk a prompt through the pipeline and show the real numbers at each stage.',
  usage: 'explain PROMPT|- [options]',
  description:
    'Shows the tokens and ids, the first dimensions of each token embedding and position vector, which\n' +
    'tokens the last position attends to in each layer (attention weights averaged over heads), the final\n' +
    'hidden state, the top logits, the probabilities before and after temperature, top-k and top-p, and\n' +
    'the token drawn with the seed. Runs on the plain TypeScript reference kernels.',
  positionals: { min: 0, max: 1, name: 'PROMPT' },
  options: [
    {
      name: 'model',
      short: 'm',
      type: 'string',
      value: 'DIR|REPO',
      description: 'Model folder or pulled repo id.',
      defaultText: 'the embedded default model',
    },
    ...samplingOptions,
    {
      name: 'dims',
      type: 'integer',
      value: 'N',
      min: 1,
      max: 64,
      description: 'Vector dimensions to show.',
      defaultText: '4',
    },
    {
      name: 'top',
      type: 'integer',
      value: 'N',
      min: 1,
      max: 100,
      description: 'Candidate tokens to show.',
      defaultText: '8',
    },
    { name: 'json', type: 'boolean', description: 'Print the trace as one JSON object.' },
  ],
  examples: ['llmf explain "The cat sat"', 'llmf explain "The cat sat" --temperature 0.5 --top-k 2 --seed 7'],
};

const fmt = (x: number) => (x >= 0 ? ` ${x.toFixed(2)}` : x.toFixed(2));
const vec = (v: ArrayLike<number>, n: number, total: number) =>
  `[${Array.from({ length: Math.min(n, v.length) }, (_, i) => fmt(v[i]!)).join(', ')}${total > n ? ', ...' : ''}]`;
const quote = (piece: string) => JSON.stringify(piece);

/** Indices of the `k` largest values, largest first (ties: lower index first). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, k);
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const prompt = await readPrompt(args, ctx);
  const model = resolveModel(o.model as string | undefined, ctx.env);
  const dims = (o.dims as number | undefined) ?? 4;
  const top = (o.top as number | undefined) ?? 8;
  const sampling = samplingFrom(args);
  const [{ loadTransformer, mapTensors }, { loadTokenizer }, tensorLib, samplingLib] = await Promise.all([
    import('@llmf/transformer'),
    import('@llmf/runtime-wasm'),
    import('@llmf/tensor'),
    import('@llmf/sampling'),
  ]);

  // ① tokenize
  // the runtime's prompt encoding: BOS first when the tokenizer files ask for it, as `generate` does
  const { tokenizer, config, encodePrompt } = await loadTokenizer(model.dir);
  const ids = encodePrompt(prompt);
  if (ids.length === 0) throw new CliError('the prompt has no tokens');
  if (ids.length > config.maxPositions) {
    throw new CliError(
      `the prompt is ${ids.length} tokens but the model's context is ${config.maxPositions}; shorten it`,
    );
  }
  const pieces = ids.map((id) => tokenizer.decode([id]));
  const T = ids.length;
  const C = config.dModel;

  // ② embed: the rows of the token table wte [V, C] and (learned positions) wpe [maxT, C]
  const tensors = await readModelTensors(model.dir, model.label);
  const host = mapTensors(config, tensors, 'huggingface');
  const wte = host.get('wte')!;
  const wpe = host.get('wpe');
  const row = (t: { data: Float32Array }, r: number) => t.data.subarray(r * C, (r + 1) * C);
  const embeddings = ids.map((id) => row(wte, id));
  const positions = wpe ? ids.map((_, p) => row(wpe, p)) : undefined;

  // ③ transformer × L with the attention weights kept, ④ logits [T, V]
  const backend = tensorLib.createReferenceBackend();
  const transformer = loadTransformer({ config, tensors, backend, maxTokens: T, recordAttention: true });
  const hidden = transformer.encode(ids).hidden; // [T, C] after the final norm
  const logitsAll = transformer.forward(ids); // [T, V]; also records attention
  const V = config.vocabSize;
  const logits = logitsAll.subarray((T - 1) * V, T * V);
  const attention = Array.from({ length: config.nLayer }, (_, l) => {
    const w = transformer.attentionWeights(l); // [H, T, S]
    const [H, Tq, S] = w.shape as [number, number, number];
    const mean = new Float32Array(S); // last query row, averaged over heads
    for (let h = 0; h < H; h++) {
      for (let s = 0; s < S; s++) mean[s]! += w.data[(h * Tq + (Tq - 1)) * S + s]! / H;
    }
    return mean;
  });

  // ⑤ sample: softmax at T = 1, then the configured temperature, top-k, top-p, and the draw
  const { softmax, topK, topP, sample } = samplingLib;
  const p1 = softmax(logits);
  const greedy = sampling.temperature === 0;
  const pT = greedy ? undefined : softmax(logits, sampling.temperature);
  const pK = pT && sampling.topK !== undefined ? topK(pT, sampling.topK) : pT;
  const pP = pK && sampling.topP < 1 ? topP(pK, sampling.topP) : pK;
  const chosen = sample(logits, {
    temperature: sampling.temperature,
    ...(sampling.topK !== undefined ? { topK: sampling.topK } : {}),
    topP: sampling.topP,
    minP: sampling.minP,
    seed: sampling.seed,
  });
  const candidates = topIndices(logits, top);
  if (!candidates.includes(chosen)) candidates.push(chosen);
  const piece = (id: number) => tokenizer.decode([id]);

  if (o.json === true) {
    const list = (v: ArrayLike<number>) => Array.from(v);
    const trace = {
      model: model.label,
      config: {
        modelType: config.modelType,
        layers: config.nLayer,
        dModel: C,
        heads: config.nHead,
        vocab: V,
        positions: config.positions,
      },
      tokens: ids.map((id, i) => ({ id, piece: pieces[i] })),
      embeddings: embeddings.map((e) => list(e.subarray(0, dims))),
      positions: positions?.map((p) => list(p.subarray(0, dims))) ?? null,
      attention: attention.map((a) => list(a)),
      hidden: list(hidden.subarray((T - 1) * C, (T - 1) * C + dims)),
      sampling: { ...sampling, topK: sampling.topK ?? null },
      candidates: candidates.map((id) => ({
        id,
        piece: piece(id),
        logit: logits[id],
        p: p1[id],
        pTemperature: pT?.[id] ?? null,
        pTopK: pK?.[id] ?? null,
        pTopP: pP?.[id] ?? null,
      })),
      chosen: { id: chosen, piece: piece(chosen) },
    };
    ctx.stdout.write(`${JSON.stringify(trace)}\n`);
    return exitCode.ok;
  }

  const s = ctx.out;
  const out: string[] = [];
  const head = (n: number, title: string) => out.push('', s.bold(`Step ${n}: ${title}`));
  out.push(
    s.dim(
      `${model.label}: ${config.modelType}, ${config.nLayer} layers, d_model ${C}, ${config.nHead} heads, vocabulary ${V}`,
    ),
  );
  head(1, 'TOKENIZE');
  out.push(`  ${quote(prompt)} → [${pieces.map((p) => quote(p)).join(', ')}] → IDs: [${ids.join(', ')}]`);

  head(2, 'EMBED');
  const idWidth = Math.max(...ids.map((id) => String(id).length));
  ids.forEach((id, i) => {
    out.push(
      `  E[${String(id).padStart(idWidth)}] = ${vec(embeddings[i]!, dims, C)}   ${s.dim(quote(pieces[i]!))}`,
    );
  });
  out.push(s.dim(`  (the first ${Math.min(dims, C)} of d_model = ${C} dimensions)`));
  if (positions) {
    out.push('', '  + Positional encoding (learned, one trained vector per position):');
    positions.forEach((p, i) => {
      out.push(`  P[${String(i).padStart(idWidth)}] = ${vec(p, dims, C)}`);
    });
    out.push('  → position-aware input x = E + P:');
    positions.forEach((p, i) => {
      const x = embeddings[i]!.map((e, d) => e + p[d]!);
      out.push(`  x[${String(i).padStart(idWidth)}] = ${vec(x, dims, C)}`);
    });
  } else if (config.positions === 'rope') {
    out.push(
      '',
      `  + Positional encoding: RoPE (θ = ${config.ropeTheta}) rotates each query and key by its position`,
    );
    out.push('    inside attention, so nothing is added to the embeddings here.');
  }

  head(3, `TRANSFORMER × ${config.nLayer} layers`);
  const last = quote(pieces[T - 1]!);
  attention.forEach((a, l) => {
    const best = topIndices(a, Math.min(3, T))
      .map((j) => `${quote(pieces[j]!)} ${a[j]!.toFixed(2)}`)
      .join(', ');
    out.push(`  Layer ${l + 1}: ${last} attends to ${best}`);
  });
  out.push(s.dim('  (attention weights of the last position, averaged over heads)'));
  out.push(`  Final representation for the last token ${last} (after the final norm):`);
  out.push(`  h = ${vec(hidden.subarray((T - 1) * C, T * C), dims, C)}`);

  head(4, 'PROJECT TO VOCABULARY');
  out.push(`  logits = h × W_vocab (${C} → ${V} vocabulary logits)`);
  out.push(
    `  logits: [${topIndices(logits, 4)
      .map((id) => `${quote(piece(id))}=${logits[id]!.toFixed(2)}`)
      .join(', ')}, ...]`,
  );

  head(5, 'SAMPLE');
  const settings = greedy
    ? 'T=0 (greedy: the highest logit)'
    : `T=${sampling.temperature}, top-k=${sampling.topK ?? 'off'}, top-p=${sampling.topP}, seed ${sampling.seed}`;
  out.push(`  ${settings}`);
  const col = (v: number | undefined) => (v === undefined ? '      -' : v.toFixed(4).padStart(7));
  const width = Math.max(8, ...candidates.map((id) => quote(showPiece(piece(id))).length)) + 1;
  out.push(s.dim(`  ${'token'.padEnd(width)}   logit   p(T=1)  p(T)    top-k   top-p`));
  for (const id of candidates) {
    const mark = id === chosen ? ` ${s.green('←')}` : '';
    out.push(
      `  ${quote(showPiece(piece(id))).padEnd(width)}${logits[id]!.toFixed(2).padStart(8)} ${col(p1[id])} ${col(pT?.[id])} ${col(pK?.[id])} ${col(pP?.[id])}${mark}`,
    );
  }
  out.push(`  → ${s.bold(quote(piece(chosen)))} (id ${chosen})`, '');
  out.push(`  Append ${quote(piece(chosen))} → ${quote(prompt + piece(chosen))}`);
  ctx.stdout.write(`${out.join('\n')}\n`);
  return exitCode.ok;
}

export const explain: Command = { spec, run };
