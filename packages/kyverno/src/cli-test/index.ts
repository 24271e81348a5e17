/** `podsec test kyverno`: Kyverno CLI test declarations run with podsec's engines. */
export { testKyvernoCommand, type CommandIO } from './command.js';
export {
  runKyvernoTests,
  runKyvernoTestFile,
  CEL_POLICY_KINDS,
  type CelTestEvaluator,
  type KyvernoTestCase,
  type KyvernoTestOptions,
  type KyvernoTestReport,
  type KyvernoTestRow,
  type RowReason,
} from './runner.js';
export { readDeclaration, type TestDeclaration, type TestResultDecl, type ExpectedResult } from './declaration.js';
export { discoverTestFiles } from './discover.js';
export { KyvernoTestError } from './errors.js';
export { formatTable, formatSummary } from './report.js';
