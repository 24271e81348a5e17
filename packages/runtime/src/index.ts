export * from './equivalence/index.js';
export { ENGINE_ADAPTERS, gatekeeperReview, admissionFacts } from './adapters/index.js';
export { testKyvernoCommand } from './kyverno-test/index.js';
export * as pss from './engines/pss/index.js';
export * as kyverno from './engines/kyverno/index.js';
export * as cel from './engines/cel/index.js';
export { runKyvernoTests, runKyvernoTestFile } from './kyverno-test/index.js';
