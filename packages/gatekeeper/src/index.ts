/** Gatekeeper: what a cluster runs for a ConstraintTemplate + Constraint, and `podsec test gator`. */
export { gatorTestCommand, reviewFor } from './gator-test.js';
export { matches, SUPPORTED_MATCH_FIELDS, type Match, type ObjectRef } from './match.js';
export { loadSuite, type SuiteCase, type SuiteTest } from './suite.js';
