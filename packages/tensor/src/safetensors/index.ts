export {
  bf16BytesToF32,
  bf16ToF32,
  dtypeSizes,
  f8e4m3ToF32,
  f8e5m2ToF32,
  f16BytesToF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  isSafetensorsDtype,
  type SafetensorsDtype,
} from './dtype';
export {
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsHeaderOptions,
  type SafetensorsReadOptions,
} from './header';
export { readSafetensors, readTensor, readTensorRaw } from './read';
export { parseSafetensorsIndex, readShardedSafetensors, type SafetensorsIndex } from './sharded';
export { type SafetensorsWriteOptions, writeSafetensors } from './write';
