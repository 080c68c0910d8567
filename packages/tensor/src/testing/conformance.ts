// backendConformance: property tests of every op of a backend against the reference backend.

import fc from 'fast-check';
import { type Backend, type Op, ops, preparableOps, prepareOp } from '../backend';
import { createReferenceBackend } from '../backend/ref/index';
import { LlmfError } from '../errors';
import { sizeOf, type Tensor } from '../tensor';
import { arbShape, arbTensor } from './arbitraries';
import { type Case, type CaseFamily, caseFamilies } from './cases';
import { assertClose, defaultTolerances, type Tolerance } from './compare';

/** One named check; `run` rejects with a descriptive Error on the first mismatch. */
export interface ConformanceCheck {
  /** The op under test, or 'memory' for alloc / upload. */
  readonly op: Op | 'memory';
  readonly name: string;
  run(): Promise<void>;
}

/** Options of backendConformance. */
export interface ConformanceOptions {
  /** fast-check runs per check (default 30). */
  numRuns?: number;
  /** fast-check seed, to replay a failure. */
  seed?: number;
  /** Per-op tolerances, merged over defaultTolerances. */
  tolerances?: Partial<Record<Op, Tolerance>>;
  /** Only these ops (default: all). A backend that does not `supports()` a listed op fails its checks. */
  ops?: readonly Op[];
}

/**
 * fc.assert, but the thrown Error leads with the failing check's own message (op, worst element, shapes)
 * for the shrunk counterexample, followed by what replays it.
 */
function assertProperty<T>(property: fc.IProperty<T>, params: fc.Parameters<T>): void {
  const details = fc.check(property, params);
  if (!details.failed) return;
  const reason =
    details.errorInstance instanceof Error
      ? details.errorInstance.message
      : String(details.errorInstance ?? 'no error');
  throw new Error(
    `${reason}\n(fast-check: failed after ${details.numRuns} runs, shrunk ${details.numShrinks} times; ` +
      `rerun with backendConformance(make, { seed: ${details.seed} }))`,
    { cause: details.errorInstance },
  );
}

/** A host copy of a tensor's values (backend memory may be reused or detached later). */
function snapshot(t: Tensor): Float32Array {
  return Float32Array.from(t.data);
}

/** The case's tensors in backend memory, by name: inputs uploaded, outputs allocated (or the in-place input). */
function placeTensors(be: Backend, c: Case): Record<string, Tensor> {
  const t: Record<string, Tensor> = {};
  for (const i of c.inputs) t[i.name] = be.upload(i.tensor, i.usage);
  for (const o of c.outputs)
    t[o.name] = o.name === 'out' && c.inPlace !== undefined ? t[c.inPlace] : be.alloc(o.shape, 'compute');
  return t;
}

/** Upload inputs, allocate outputs, run the op; return host copies of the outputs and of the inputs after the call. */
function execute(
  be: Backend,
  c: Case,
): { outputs: Record<string, Float32Array>; inputsAfter: Record<string, Float32Array> } {
  const t = placeTensors(be, c);
  c.call(be, t);
  const outputs: Record<string, Float32Array> = {};
  for (const o of c.outputs) outputs[o.name] = snapshot(t[o.name]);
  const inputsAfter: Record<string, Float32Array> = {};
  for (const i of c.inputs) if (i.name !== c.inPlace) inputsAfter[i.name] = snapshot(t[i.name]);
  return { outputs, inputsAfter };
}

function describeCase(c: Case): string {
  const shapes = c.inputs.map((i) => `${i.name} [${i.tensor.shape.join(', ')}]`).join(', ');
  const options = c.options ? `, options ${JSON.stringify(c.options)}` : '';
  return `inputs ${shapes}${c.inPlace ? `, in place (out === ${c.inPlace})` : ''}${options}`;
}

/**
 * A check named `name` of `family`'s op: a fresh backend (and the reference), `each` on every generated case
 * (fast-check), the backend disposed at the end. `before` runs once first.
 */
function casesCheck(
  family: CaseFamily,
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  o: ConformanceOptions,
  each: (be: Backend, ref: Backend, c: Case) => void,
  before?: (be: Backend) => void,
): ConformanceCheck {
  return {
    op: family.op,
    name,
    async run() {
      const be = await makeBackend();
      const ref = createReferenceBackend();
      try {
        before?.(be);
        assertProperty(
          fc.property(family.cases, (c) => each(be, ref, c)),
          { numRuns: o.numRuns ?? 30, seed: o.seed },
        );
      } finally {
        be.dispose();
      }
    },
  };
}

function familyCheck(
  family: CaseFamily,
  makeBackend: () => Backend | Promise<Backend>,
  tolerances: Record<Op, Tolerance>,
  o: ConformanceOptions,
): ConformanceCheck {
  const tol = tolerances[family.op];
  return casesCheck(
    family,
    `${family.op}: ${family.name}`,
    makeBackend,
    o,
    (be, ref, c) => {
      const context = describeCase(c);
      const got = execute(be, c);
      const want = execute(ref, c);
      for (const out of c.outputs) {
        assertClose(
          `${be.name} ${family.op} ${out.name} vs js-ref`,
          got.outputs[out.name],
          want.outputs[out.name],
          out.shape,
          tol,
          context,
        );
      }
      for (const i of c.inputs) {
        if (i.name === c.inPlace) continue;
        assertClose(
          `${be.name} ${family.op} modified its input ${i.name}`,
          got.inputsAfter[i.name],
          i.tensor.data,
          i.tensor.shape,
          { atol: 0, rtol: 0 },
          context,
        );
      }
    },
    (be) => {
      if (!be.supports(family.op)) {
        throw new Error(
          `backend "${be.name}" does not support ${family.op}; pass { ops } to check only the ops it implements`,
        );
      }
    },
  );
}

const preparable = new Set<Op>(preparableOps);

/** The case with every input negated (in range for every family: their value ranges are symmetric). */
function negated(c: Case): Case {
  return {
    ...c,
    inputs: c.inputs.map((i) => ({
      ...i,
      tensor: { shape: i.tensor.shape, data: i.tensor.data.map((v) => -v) },
    })),
  };
}

/**
 * The op through prepareOp (the backend's prepare, or the fallback): run once, then the same prepared
 * function again after new values are written into its inputs; both runs must match the reference.
 */
function prepareCheck(
  family: CaseFamily,
  makeBackend: () => Backend | Promise<Backend>,
  tolerances: Record<Op, Tolerance>,
  o: ConformanceOptions,
): ConformanceCheck {
  const tol = tolerances[family.op];
  return casesCheck(
    family,
    `${family.op}: prepared once, it runs again on new input values (${family.name})`,
    makeBackend,
    o,
    (be, ref, c) => {
      let prepared: (() => void) | undefined;
      // the backend, with the family's op bound through prepareOp and run once
      const preparing = new Proxy(be, {
        get(target, key) {
          if (key === family.op) {
            return (...args: unknown[]) => {
              prepared = (prepareOp as (b: Backend, op: Op, ...a: unknown[]) => () => void)(
                target,
                family.op,
                ...args,
              );
              prepared();
            };
          }
          const value = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const second = negated(c);
      let t: Record<string, Tensor> = {};
      for (const round of [c, second]) {
        if (round === c) {
          t = placeTensors(be, c);
          c.call(preparing, t);
        } else {
          for (const i of second.inputs) t[i.name].data.set(i.tensor.data);
          if (prepared === undefined) throw new Error(`${family.op} was not called by its case`);
          prepared();
        }
        const want = execute(ref, round);
        for (const out of round.outputs) {
          assertClose(
            `${be.name} prepared ${family.op} ${out.name}${round === c ? '' : ' (second run, new inputs)'} vs js-ref`,
            snapshot(t[out.name]),
            want.outputs[out.name],
            out.shape,
            tol,
            describeCase(round),
          );
        }
      }
    },
  );
}

/** Calls that violate the contract; a conforming backend throws an LlmfError (and never reads out of bounds). */
function invalidCalls(): { op: Op; what: string; call(be: Backend): void }[] {
  const z = (be: Backend, ...shape: number[]) => be.alloc(shape, 'compute');
  return [
    {
      op: 'matmul',
      what: 'inner dimensions differ',
      call: (be) => be.matmul(z(be, 2, 2), z(be, 2, 3), z(be, 4, 2)),
    },
    {
      op: 'linear',
      what: 'w in [in, out] layout',
      call: (be) => be.linear(z(be, 1, 2), z(be, 1, 3), z(be, 3, 2)),
    },
    {
      op: 'add',
      what: "b neither a's shape nor a row",
      call: (be) => be.add(z(be, 2, 3), z(be, 2, 3), z(be, 2)),
    },
    { op: 'softmax', what: 'out of another shape', call: (be) => be.softmax(z(be, 2, 4), z(be, 2, 3)) },
    {
      op: 'layerNorm',
      what: 'weight of the wrong size',
      call: (be) => be.layerNorm(z(be, 2, 3), z(be, 2, 3), z(be, 4), undefined, 1e-5),
    },
    {
      op: 'rmsNorm',
      what: 'weight of the wrong size',
      call: (be) => be.rmsNorm(z(be, 2, 3), z(be, 2, 3), z(be, 2), 1e-5),
    },
    { op: 'embedding', what: 'an id ≥ V', call: (be) => be.embedding(z(be, 2, 4), z(be, 5, 4), [1, 5]) },
    { op: 'embedding', what: 'a negative id', call: (be) => be.embedding(z(be, 1, 4), z(be, 5, 4), [-1]) },
    {
      op: 'rope',
      what: 'an odd rotaryDim',
      call: (be) =>
        be.rope(z(be, 1, 1, 4), z(be, 1, 1, 4), { start: 0, theta: 1e4, style: 'half', rotaryDim: 3 }),
    },
    {
      op: 'attention',
      what: 'query heads not a multiple of kv heads',
      call: (be) =>
        be.attention(z(be, 2, 3, 4), z(be, 2, 3, 4), z(be, 2, 2, 4), z(be, 2, 2, 4), {
          scale: 1,
          causal: true,
        }),
    },
    {
      op: 'attention',
      what: 'past + T > S',
      call: (be) =>
        be.attention(z(be, 2, 1, 4), z(be, 2, 1, 4), z(be, 2, 1, 4), z(be, 2, 1, 4), {
          scale: 1,
          causal: true,
          past: 1,
        }),
    },
  ];
}

/**
 * The conformance suite of a Backend: named checks that property-test every op against the reference
 * backend on random shapes (sizes 1..70, 128, 129: not multiples of 4 or of tile sizes) and values
 * (fast-check), plus in-place use, non-mutation of inputs, prepared ops (`prepareOp`) run twice on new
 * input values, invalid calls, and alloc / upload.
 * Framework-agnostic:
 * @example
 * import { backendConformance } from '@llmf/tensor/testing';
 * for (const c of backendConformance(() => createWasmBackend())) test(c.name, c.run);
 */
export function backendConformance(
  makeBackend: () => Backend | Promise<Backend>,
  o: ConformanceOptions = {},
): ConformanceCheck[] {
  const tolerances = { ...defaultTolerances, ...o.tolerances } as Record<Op, Tolerance>;
  const selected = new Set<Op>(o.ops ?? ops);
  const checks: ConformanceCheck[] = caseFamilies()
    .filter((f) => selected.has(f.op))
    .map((f) => familyCheck(f, makeBackend, tolerances, o));
  for (const f of caseFamilies().filter((f) => selected.has(f.op) && preparable.has(f.op))) {
    checks.push(prepareCheck(f, makeBackend, tolerances, o));
  }

  for (const bad of invalidCalls().filter((b) => selected.has(b.op))) {
    checks.push({
      op: bad.op,
      name: `${bad.op}: rejects ${bad.what} with an LlmfError`,
      async run() {
        const be = await makeBackend();
        try {
          let thrown: unknown;
          try {
            bad.call(be);
          } catch (e) {
            thrown = e;
          }
          if (thrown === undefined)
            throw new Error(`${be.name} ${bad.op} accepted ${bad.what}; it must throw an LlmfError`);
          if (!LlmfError.isInstance(thrown)) {
            throw new Error(
              `${be.name} ${bad.op} threw ${String(thrown)} for ${bad.what}; it must throw an LlmfError`,
            );
          }
        } finally {
          be.dispose();
        }
      },
    });
  }

  checks.push({
    op: 'memory',
    name: 'memory: alloc gives zeros of the shape, upload keeps the values',
    async run() {
      const be = await makeBackend();
      try {
        assertProperty(
          fc.property(
            arbTensor(arbShape([0, 3], { max: 70 })),
            fc.constantFrom<'weights' | 'compute'>('weights', 'compute'),
            (host, usage) => {
              const fresh = be.alloc(host.shape, usage);
              const context = `shape [${host.shape.join(', ')}], usage ${usage}`;
              if (fresh.shape.join() !== host.shape.join() || fresh.data.length !== sizeOf(host.shape)) {
                throw new Error(
                  `${be.name} alloc returned shape [${fresh.shape.join(', ')}] with ${fresh.data.length} values; ${context}`,
                );
              }
              assertClose(
                `${be.name} alloc`,
                snapshot(fresh),
                new Float32Array(fresh.data.length),
                host.shape,
                { atol: 0, rtol: 0 },
                context,
              );
              const up = be.upload(host, usage);
              if (up.shape.join() !== host.shape.join())
                throw new Error(`${be.name} upload changed the shape; ${context}`);
              assertClose(
                `${be.name} upload`,
                snapshot(up),
                host.data,
                host.shape,
                { atol: 0, rtol: 0 },
                context,
              );
            },
          ),
          { numRuns: o.numRuns ?? 30, seed: o.seed },
        );
      } finally {
        be.dispose();
      }
    },
  });
  return checks;
}
