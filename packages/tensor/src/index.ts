export {
  type AttentionOptions,
  type Backend,
  type Op,
  ops,
  type RopeOptions,
  type RopeStyle,
} from './backend';
export { LlmfError, type LlmfErrorCode } from './errors';
export { reshape, rows, type Shape, sizeOf, type Tensor, tensor, zeros } from './tensor';
