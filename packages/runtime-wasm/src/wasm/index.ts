export { type SimdLevel, wasmSimdSupported } from './binaries';
export { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend';
