/** The equivalence layer: build loading, fixtures, verify, eval and reports. */
export * from './types.js';
export * from './load.js';
export * from './adapters.js';
export * from './verify.js';
export * from './messages.js';
export type { MessageSample } from './message-samples.js';
export {
  CHUNK_FIXTURES,
  prewarmVerifyWorkers,
  startVerifyWorkers,
  verifyParallel,
  type ParallelOptions,
  type PrewarmedWorkers,
  type VerifyWorkers,
  type WorkerStart,
} from './parallel.js';
export * from './eval.js';
export * from './fixtures/types.js';
export * from './fixtures/errors.js';
export * from './fixtures/generate.js';
export * from './fixtures/context.js';
export * from './fixtures/psa.js';
export * from './fixtures/resources.js';
export * from './fixtures/semantics.js';
export * from './fixtures/random-fixtures.js';
export { arbitraryPodObject, arbitraryPodTemplate, valuesFromPolicy, wrapTemplate, type PodArbitraryOptions } from './fixtures/random.js';
export * from './report/index.js';
export { ENGINE_ADAPTERS, gatekeeperReview, admissionFacts } from './adapters/index.js';
export {
  INPUT_LIMITS,
  type InputLimits,
  parseKubeYaml,
  type YamlDocument,
  normalizeObject,
  readBounded,
  readInputText,
} from './input/index.js';
