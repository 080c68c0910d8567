// The reference backend: plain TypeScript loops, written for clarity. It is the spec every other
// backend is property-tested against (see @llmf/tensor/testing), and the fallback for ops a fast backend
// does not support.

import { type Backend, type Op, ops } from '../../backend';
import { LlmfError } from '../../errors';
import { type HalfDtype, type HalfTensor, halfTensor } from '../../half';
import { type Shape, type Tensor, zeros } from '../../tensor';
import { attention } from './attention';
import { checkTensor } from './check';
import { add, gelu, geluTanh, mul, scale, silu, swiglu } from './elementwise';
import { embedding } from './embedding';
import { linear, matmul } from './matmul';
import { layerNorm, rmsNorm } from './norm';
import { rope } from './rope';
import { softmax } from './softmax';

/**
 * The JS reference backend ('js-ref'): naive loops that accumulate in f64, validate every shape at the
 * op boundary (LlmfError 'SHAPE_MISMATCH'), and use plain Float32Array tensors (`dispose` frees nothing).
 * @example
 * const be = createReferenceBackend();
 * const out = be.alloc([1, 2], 'compute');
 * be.matmul(out, tensor([[1, 2]]), tensor([[1, 0], [0, 1]])); // out.data = [1, 2]
 */
export function createReferenceBackend(): Backend {
  return {
    specificationVersion: 'v1',
    name: 'js-ref',
    supports: (op: Op) => ops.includes(op),
    alloc(shape: Shape, usage: 'weights' | 'compute'): Tensor {
      checkUsage('alloc', usage);
      return zeros(shape);
    },
    upload(t: Tensor, usage: 'weights' | 'compute'): Tensor {
      checkUsage('upload', usage);
      checkTensor('upload', 't', t);
      // a copy: later changes to the host tensor do not reach the uploaded one (as with device memory)
      return { shape: Object.freeze([...t.shape]), data: t.data.slice() };
    },
    allocHalf(shape: Shape, dtype: HalfDtype): HalfTensor {
      const size = zeros(shape).data.length; // checks the shape
      return halfTensor(new Uint16Array(size), shape, dtype);
    },
    dispose() {},
    matmul,
    linear,
    add,
    mul,
    scale,
    softmax,
    layerNorm,
    rmsNorm,
    gelu,
    geluTanh,
    silu,
    swiglu,
    embedding,
    rope,
    attention,
  };
}

function checkUsage(op: string, usage: unknown): void {
  if (usage !== 'weights' && usage !== 'compute') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `${op}: usage must be 'weights' or 'compute', got ${String(usage)}`,
    );
  }
}
