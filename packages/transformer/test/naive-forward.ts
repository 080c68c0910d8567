// An independent, deliberately naive forward pass in plain f64 loops (no Backend, no KV cache, no
// shared code with src/ beyond the tensor names): the reference for wirings the fixtures do not cover
// (post-norm, sinusoidal positions, encoder-only, GELU erf, interleaved RoPE, biases with RMSNorm).
import type { Tensor } from '@llmf/tensor';
import type { ModelConfig } from '../src/index';

type Mat = number[][];

const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse here; use the series/continued fraction via high-order Taylor
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
    if (Math.abs(term) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};

export function naiveForward(c: ModelConfig, w: Map<string, Tensor>, ids: number[]): Mat {
  const get = (name: string) => w.get(name);
  const mat = (name: string): Mat => {
    const t = get(name) as Tensor;
    const [r, k] = t.shape as [number, number];
    return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * k, (i + 1) * k)));
  };
  const vec = (name: string) => (get(name) ? Array.from((get(name) as Tensor).data) : undefined);
  const linear = (x: Mat, name: string): Mat => {
    const W = mat(`${name}w`);
    const b = vec(`${name}b`);
    return x.map((row) => W.map((wr, o) => wr.reduce((acc, wv, i) => acc + wv * row[i], b ? b[o] : 0)));
  };
  const norm = (x: Mat, name: string): Mat => {
    const g = vec(`${name}w`) as number[];
    const b = vec(`${name}b`);
    return x.map((row) => {
      const C = row.length;
      if (c.norm === 'rms') {
        const r = 1 / Math.sqrt(row.reduce((a, v) => a + v * v, 0) / C + c.normEps);
        return row.map((v, i) => v * r * g[i]);
      }
      const mean = row.reduce((a, v) => a + v, 0) / C;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / C;
      const r = 1 / Math.sqrt(variance + c.normEps);
      return row.map((v, i) => (v - mean) * r * g[i] + (b ? b[i] : 0));
    });
  };
  const add = (a: Mat, b: Mat): Mat => a.map((row, t) => row.map((v, i) => v + b[t][i]));
  const rope = (x: Mat, heads: number): Mat =>
    x.map((row, pos) => {
      const out = [...row];
      const D = c.dHead;
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < D / 2; i++) {
          const angle = pos * c.ropeTheta ** ((-2 * i) / D);
          const [ia, ib] =
            c.ropeStyle === 'half' ? [h * D + i, h * D + i + D / 2] : [h * D + 2 * i, h * D + 2 * i + 1];
          out[ia] = row[ia] * Math.cos(angle) - row[ib] * Math.sin(angle);
          out[ib] = row[ib] * Math.cos(angle) + row[ia] * Math.sin(angle);
        }
      }
      return out;
    });
  const act = (v: number): number => {
    if (c.activation === 'gelu') return 0.5 * v * (1 + erf(v / Math.SQRT2));
    if (c.activation === 'geluTanh')
      return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    return v / (1 + Math.exp(-v));
  };
  const attn = (x: Mat, l: string): Mat => {
    let q = linear(x, `${l}q`);
    let k = linear(x, `${l}k`);
    const v = linear(x, `${l}v`);
    if (c.positions === 'rope') {
      q = rope(q, c.nHead);
      k = rope(k, c.nKvHead);
    }
    const D = c.dHead;
    const heads = q.map(() => new Array(c.nHead * D).fill(0));
    for (let h = 0; h < c.nHead; h++) {
      const g = Math.floor(h / (c.nHead / c.nKvHead));
      for (let t = 0; t < x.length; t++) {
        const visible = c.causal ? t + 1 : x.length;
        const scores = [];
        for (let s = 0; s < visible; s++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[t][h * D + d] * k[s][g * D + d];
          scores.push(dot / Math.sqrt(D));
        }
        const max = Math.max(...scores);
        const e = scores.map((z) => Math.exp(z - max));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s < visible; s++)
          for (let d = 0; d < D; d++) heads[t][h * D + d] += (e[s] / sum) * v[s][g * D + d];
      }
    }
    return linear(heads, `${l}attproj`);
  };
  const ffn = (x: Mat, l: string): Mat => {
    const up = linear(x, `${l}fc`);
    const hidden =
      c.ffn === 'swiglu'
        ? linear(x, `${l}gate`).map((row, t) => row.map((g, i) => (g / (1 + Math.exp(-g))) * up[t][i]))
        : up.map((row) => row.map(act));
    return linear(hidden, `${l}proj`);
  };

  const wte = mat('wte');
  let x: Mat = ids.map((id) => [...wte[id]]);
  if (c.positions === 'learned') x = add(x, mat('wpe').slice(0, ids.length));
  if (c.positions === 'sinusoidal') {
    x = x.map((row, pos) =>
      row.map((v, j) => v + (j % 2 === 0 ? Math.sin : Math.cos)(pos / 10000 ** ((j - (j % 2)) / c.dModel))),
    );
  }
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}.`;
    if (c.normPlacement === 'pre') {
      x = add(x, attn(norm(x, `${p}ln1`), p));
      x = add(x, ffn(norm(x, `${p}ln2`), p));
    } else {
      x = norm(add(x, attn(x, p)), `${p}ln1`);
      x = norm(add(x, ffn(x, p)), `${p}ln2`);
    }
  }
  const xf = norm(x, 'lnf');
  const head = c.tiedEmbeddings ? wte : mat('lmheadw');
  return xf.map((row) => head.map((hr) => hr.reduce((a, wv, i) => a + wv * row[i], 0)));
}
