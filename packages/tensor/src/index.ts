export {
  type AttentionOptions,
  type Backend,
  type Op,
  ops,
  type PreparableOp,
  preparableOps,
  prepareOp,
  type RopeOptions,
  type RopeStyle,
} from './backend';
export {
  checkNoOverlap,
  checkNumber,
  checkShape,
  checkTensor,
  checkWeight,
  fmt as formatShape,
  shapeError,
} from './backend/ref/check';
export { erf, erfc } from './backend/ref/erf';
export { createReferenceBackend } from './backend/ref/index';
export { LlmfError, type LlmfErrorCode } from './errors';
export {
  type HalfDtype,
  type HalfTensor,
  halfTensor,
  halfToF32,
  isHalfTensor,
  type WeightTensor,
  widenWeights,
} from './half';
export { isPackedTensor, type PackedTensor } from './packed';
export * from './safetensors/index';
export { reshape, rows, type Shape, sizeOf, type Tensor, tensor, zeros } from './tensor';
