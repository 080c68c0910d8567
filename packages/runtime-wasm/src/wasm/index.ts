export { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend';
export { type SimdLevel, wasmSimdSupported } from './binaries';
