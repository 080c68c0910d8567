// The worker side of the thread pool, as plain JavaScript source: Node runs it with
// `new Worker(source, { eval: true, workerData })`, browsers from a Blob URL (init arrives by message).
// Each worker instantiates the kernel module over the one shared memory and loops:
//   wait until control[GEN] changes → claim chunks [r0, r1) of the job (control[NEXT]) and run them until
//   none is left → decrement control[LEFT]
// The job's arguments sit in a Float64Array after the control words (pointers < 2³² are exact in f64).

/** Control words (Int32Array over the control SharedArrayBuffer). */
export const GEN = 0; // job generation: bumped by the caller for every job
export const LEFT = 1; // participants still running the current job
export const OP = 2; // 0 = stop, 1 = linear, 2 = matmul, 3 = attention, 4 = linear (f16 w), 5 = linear (bf16 w), 6 = linear (packed w), 7 = elementwise map, 8 = attention by query rows
export const FAILED = 3; // set to 1 by a worker whose kernel threw
export const NEXT = 4; // the next chunk of the current job to claim (Atomics.add)
/** Byte offset of the Float64Array of arguments: [0, 16) kernel args (attention: 14 = heads per block, 15 = scratch bytes per participant), 16 = the job's items, 17 = items per chunk. */
export const ARGS_OFFSET = 64;
export const ARG_COUNT = 16;
export const CONTROL_BYTES = ARGS_OFFSET + 8 * (ARG_COUNT + 2);

export const OP_STOP = 0;
export const OP_LINEAR = 1;
export const OP_MATMUL = 2;
export const OP_ATTENTION = 3;
export const OP_LINEAR_F16 = 4;
export const OP_LINEAR_BF16 = 5;
export const OP_LINEAR_PACKED = 6;
export const OP_MAP = 7;
export const OP_ATTENTION_ROWS = 8;

export const workerSource = `'use strict';
function start(init, post) {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const k = instance.exports;
  const control = new Int32Array(init.control, 0, 16);
  const args = new Float64Array(init.control, ${ARGS_OFFSET}, ${ARG_COUNT + 2});
  const me = init.index;
  // subtle: read the generation before saying ready, or the first job could slip past unseen
  let seen = Atomics.load(control, ${GEN});
  post({ ready: true });
  for (;;) {
    // spin briefly (a decode step issues jobs back to back), then sleep on the generation word
    for (let spin = 0; spin < 2000 && Atomics.load(control, ${GEN}) === seen; spin++);
    // subtle: a wake-up is not a job. The caller bumps GEN, then notifies; descheduled in between, its
    // notify can come after this worker ran that job and slept again. Only a new generation is a job.
    while (Atomics.load(control, ${GEN}) === seen) Atomics.wait(control, ${GEN}, seen);
    seen = Atomics.load(control, ${GEN});
    const op = Atomics.load(control, ${OP});
    if (op === ${OP_STOP}) break;
    const total = args[${ARG_COUNT}];
    const chunk = args[${ARG_COUNT + 1}];
    try {
      for (let c = Atomics.add(control, ${NEXT}, 1); c * chunk < total; c = Atomics.add(control, ${NEXT}, 1)) {
        const r0 = c * chunk;
        const r1 = Math.min(total, r0 + chunk);
        if (op === ${OP_LINEAR}) k.linear_f32(args[0], args[1], args[2], args[3], args[4], args[5], args[6], r0, r1);
        else if (op === ${OP_LINEAR_F16}) k.linear_f16(args[0], args[1], args[2], args[3], args[4], args[5], args[6], r0, r1);
        else if (op === ${OP_LINEAR_BF16}) k.linear_bf16(args[0], args[1], args[2], args[3], args[4], args[5], args[6], r0, r1);
        else if (op === ${OP_LINEAR_PACKED}) k.linear_packed_f32(args[0], args[1], args[2], args[3], args[4], args[5], args[6], r0, r1);
        else if (op === ${OP_MATMUL}) k.matmul_f32(args[0], args[1], args[2], args[3], args[4], args[5], r0, r1);
        else if (op === ${OP_MAP}) k.map_f32(args[0], args[1] + 4 * r0, args[2] + 4 * r0, args[3] + 4 * r0, r1 - r0);
        else if (op === ${OP_ATTENTION_ROWS}) {
          const row = 4 * args[8] * args[10]; // bytes of one query (and output) row: H·D floats
          k.attention_f32(args[0] + r0 * row, args[1] + r0 * row, args[2], args[3], 0, args[5] + me * args[15],
            r1 - r0, args[7], args[8], args[9], args[10], args[11], args[12], args[13] + r0, args[14], 0, args[8]);
        } else if (op === ${OP_ATTENTION})
          k.attention_f32(args[0], args[1], args[2], args[3], args[4], args[5] + me * args[15],
            args[6], args[7], args[8], args[9], args[10], args[11], args[12], args[13], args[14], r0, r1);
      }
    } catch (e) {
      Atomics.store(control, ${FAILED}, 1);
    }
    if (Atomics.sub(control, ${LEFT}, 1) === 1) Atomics.notify(control, ${LEFT});
  }
}
if (typeof require === 'function') {
  const { parentPort, workerData } = require('node:worker_threads');
  start(workerData, (m) => parentPort.postMessage(m));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;
