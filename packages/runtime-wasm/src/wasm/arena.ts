// The WASM backend's memory: one WebAssembly.Memory (shared when threads run), a bump allocator over it
// for tensors (weights and compute, freed all at once by dispose), and per-call scratch above the top.
//
//   0 … heapBase           the kernel module's static data (none today)
//   heapBase … + 512 KiB   fixed scratch for the small per-call extras (score rows, RoPE tables, ids)
//   … top                  tensors handed out by alloc/upload, 64-byte aligned
//   top … top + scratch    per-call scratch for foreign tensors copied in; reused every call
//   … dirty                the highest byte ever handed out (tensors or scratch); above it the memory is
//                          as grown, all zeros, and pages the host has never touched
//
// alloc returns zeros: only the part of a new tensor below `dirty` (reused after reset, or old scratch) is
// cleared. Fresh memory is not written, so its pages stay untouched (not resident) until a kernel or the
// loader writes them: a model's activations and KV cache cost no RSS at load.
// subtle: memory.grow detaches every typed array over a non-shared memory. Tensors returned here read
// `data` through a getter that re-creates the view once it is detached (its length drops to 0; a view of a
// shared memory stays valid after a grow); views the caller derived
// earlier (rows, reshape) are detached by a grow, so models reserve() their total before allocating.

import { type HalfDtype, type HalfTensor, LlmfError, type Shape, sizeOf, type Tensor } from '@llmf/tensor';

const PAGE = 65536;
/** wasm32 addresses 2³² bytes: 65536 pages of 64 KiB. */
export const MAX_PAGES = 65536;
const ALIGN = 64;
/** Bytes of the fixed scratch region: resident calls never grow the memory for their extras. */
export const FIXED_SCRATCH = 512 * 1024;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** Linear memory plus the tensor allocator. */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private readonly base: number;
  private top: number;
  /** End of the highest region ever handed out: memory at and above it has never been written by us. */
  private dirty: number;
  /** Byte offset of the fixed scratch region (FIXED_SCRATCH bytes). */
  readonly fixedScratch: number;
  private readonly maxBytes: number;
  private f32: Float32Array;
  private i32: Int32Array;
  // subtle: a shared memory hands out a new SharedArrayBuffer object after each grow; all see one memory
  private readonly buffers = new Set<ArrayBufferLike>();

  constructor(memory: WebAssembly.Memory, heapBase: number, shared: boolean, maxPages: number) {
    this.memory = memory;
    this.shared = shared;
    this.fixedScratch = alignUp(Math.max(heapBase, ALIGN));
    this.base = this.fixedScratch + FIXED_SCRATCH;
    this.top = this.base;
    this.dirty = this.base;
    this.maxBytes = maxPages * PAGE;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.buffers.add(memory.buffer);
    this.ensure(this.base, 'the fixed scratch region');
  }

  /** Bytes handed out to tensors so far. */
  get used(): number {
    return this.top - this.base;
  }

  /** The whole memory as f32, re-created after a grow. */
  heapF32(): Float32Array {
    this.refresh();
    return this.f32;
  }

  /** The whole memory as i32, re-created after a grow. */
  heapI32(): Int32Array {
    this.refresh();
    return this.i32;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (this.f32.buffer !== buffer) {
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.buffers.add(buffer);
    }
  }

  /** True when `data` is a view of this memory (then its byteOffset is its pointer). */
  owns(data: ArrayBufferView): boolean {
    const buffer = data.buffer;
    // the buffer last seen first (memory.buffer is a native getter, slow on every op); a detached heap view
    // (length 0) means the memory grew behind our back
    if (buffer === this.f32.buffer && this.f32.length !== 0) return true;
    this.refresh();
    if (buffer === this.f32.buffer) return true;
    return this.shared && this.buffers.has(buffer);
  }

  /** Make [0, end) addressable, growing the memory if needed. */
  ensure(end: number, what: string): void {
    if (end > this.maxBytes) {
      throw new LlmfError(
        'OUT_OF_MEMORY',
        `wasm backend: ${what} needs ${gib(end)} of WebAssembly memory, but wasm32 addresses at most ` +
          `${gib(this.maxBytes)}; use a smaller model (or one stored in fewer bytes) or backend 'js'`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new LlmfError(
        'OUT_OF_MEMORY',
        `wasm backend: could not grow WebAssembly memory to ${gib(have + pages * PAGE)} (${String(cause)}); ` +
          'the host refused the memory, free some or use a smaller model',
        { cause },
      );
    }
    this.refresh();
  }

  /**
   * Grow now to hold `bytes` more of tensors, so later allocations never grow the memory (and never
   * detach views). Throws OUT_OF_MEMORY, before anything is loaded, when the total exceeds wasm32's 4 GiB.
   */
  reserve(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `wasm backend: reserve(bytes) needs a byte count ≥ 0, got ${bytes}`,
      );
    }
    this.ensure(this.top + alignUp(bytes), `reserving ${gib(bytes)} for the model`);
  }

  /** A zeroed region of `bytes` for a tensor; returns its byte offset. */
  allocate(bytes: number): number {
    const ptr = this.top;
    const end = ptr + alignUp(Math.max(bytes, 4));
    this.ensure(end, `allocating a tensor of ${bytes} bytes after ${gib(this.used)} in use`);
    this.top = end;
    // memory below `dirty` may hold old tensors or scratch: clear that part so alloc returns zeros; above
    // it the memory is still zero as grown (not written, so its pages stay untouched)
    const clearEnd = Math.min(ptr + bytes, this.dirty);
    if (clearEnd > ptr) this.heapF32().fill(0, ptr >>> 2, (clearEnd + 3) >>> 2);
    this.dirty = Math.max(this.dirty, end);
    return ptr;
  }

  /** Per-call scratch of `bytes` above the tensors; valid until the next call. */
  scratch(bytes: number): number {
    const end = this.top + alignUp(bytes);
    this.ensure(end, `scratch of ${bytes} bytes`);
    this.dirty = Math.max(this.dirty, end); // written by the caller
    return this.top;
  }

  /** A tensor over [ptr, ptr + 4·size) whose data view follows the memory across grows. */
  tensorAt(shape: Shape, ptr: number): Tensor {
    const frozen = Object.freeze([...shape]);
    const n = sizeOf(frozen);
    const memory = this.memory;
    let view = new Float32Array(memory.buffer, ptr, n);
    return {
      shape: frozen,
      get data(): Float32Array {
        if (view.length !== n) view = new Float32Array(memory.buffer, ptr, n); // detached by a grow
        return view;
      },
    };
  }

  /** A half tensor over [ptr, ptr + 2·size) whose data view follows the memory across grows. */
  halfAt(shape: Shape, ptr: number, dtype: HalfDtype): HalfTensor {
    const frozen = Object.freeze([...shape]);
    const n = sizeOf(frozen);
    const memory = this.memory;
    let view = new Uint16Array(memory.buffer, ptr, n);
    return {
      shape: frozen,
      dtype,
      get data(): Uint16Array {
        if (view.length !== n) view = new Uint16Array(memory.buffer, ptr, n); // detached by a grow
        return view;
      },
    };
  }

  /** Forget every tensor (dispose): the memory is reused from the bottom. */
  reset(): void {
    this.top = this.base;
  }
}

/** Create a memory of at least `bytes` (shared for threads), with room to grow to 4 GiB where allowed. */
export function createMemory(
  bytes: number,
  shared: boolean,
): { memory: WebAssembly.Memory; maxPages: number } {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  if (initial > MAX_PAGES) {
    throw new LlmfError(
      'OUT_OF_MEMORY',
      `wasm backend: memoryBytes ${gib(bytes)} exceeds the 4 GiB that wasm32 can address; use a smaller model`,
    );
  }
  // a shared memory reserves its maximum up front; fall back to smaller maxima where the host refuses
  let failure: unknown;
  for (const maximum of [MAX_PAGES, 32768, 16384]) {
    if (maximum < initial) continue;
    try {
      const descriptor = { initial, maximum, shared } as WebAssembly.MemoryDescriptor;
      return { memory: new WebAssembly.Memory(descriptor), maxPages: maximum };
    } catch (cause) {
      failure = cause;
    }
  }
  throw new LlmfError(
    'OUT_OF_MEMORY',
    `wasm backend: could not create a WebAssembly memory of ${gib(bytes)} (${String(failure)})`,
    { cause: failure },
  );
}
