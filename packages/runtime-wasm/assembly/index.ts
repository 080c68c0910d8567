// @llmf/runtime-wasm kernels: f32, WebAssembly SIMD128, no allocation. The TypeScript glue
// (src/wasm/) owns the linear memory: it places tensors, passes byte offsets here, and splits the big
// ops over worker threads by output columns or heads. Every kernel writes `out` first in its argument list.
// Legend: T = tokens, S = keys, C = d_model, H / Hkv = query / key-value heads, D = d_head, F = d_ff, V = vocab.

export { add_f32, map_f32, mul_f32, scale_f32 } from './elementwise';
export { attention_f32 } from './attention';
export { embedding_f32 } from './embedding';
export { embedding_bf16, embedding_f16, linear_bf16, linear_f16 } from './half';
export { linear_f32, matmul_f32 } from './matmul';
export { embedding_packed_f32, linear_packed_f32, pack4_f32, pack4_inplace_f32 } from './packed';
export { layer_norm_f32, rms_norm_f32 } from './norm';
export { rope_f32 } from './rope';
export { softmax_f32 } from './softmax';
export { peak_f32, stream_read_f32 } from './peak';

/** First byte after the module's static data: the glue allocates tensors from here up. */
export function heap_base(): usize {
  return __heap_base;
}
