// @llmf/tensor/testing: the conformance suite every Backend runs, and the fast-check arbitraries behind it.
// Needs fast-check (a peer dependency of @llmf/tensor, only for this entry).
export {
  arbDim,
  arbIds,
  arbShape,
  arbTensor,
  type DimOptions,
  seededUniform,
  seededValues,
  type ValueOptions,
} from './testing/arbitraries';
export { type Case, type CaseFamily, caseFamilies } from './testing/cases';
export { assertClose, defaultTolerances, type Tolerance, unflatten } from './testing/compare';
export {
  backendConformance,
  type ConformanceCheck,
  type ConformanceOptions,
} from './testing/conformance';
export {
  type HalfConformanceOptions,
  halfWeightConformance,
} from './testing/half-conformance';
export {
  type PackedConformanceOptions,
  packedWeightConformance,
} from './testing/packed-conformance';
