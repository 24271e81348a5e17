/** Gatekeeper: what a cluster runs for a ConstraintTemplate + Constraint, and `podsec test gator`. */
export { gatorTestCommand, reviewFor } from './gator-test.js';
export { matches, matchMiss, SUPPORTED_MATCH_FIELDS, type Match, type MatchMiss, type ObjectRef } from './match.js';
export { loadSuite, type SuiteCase, type SuiteTest } from './suite.js';
export {
  GatekeeperArtifactError,
  parseConstraint,
  parseConstraintTemplate,
  type ConstraintSource,
  type ScopedEnforcementAction,
  type TemplateSource,
} from './artifacts.js';
export {
  compileTemplate,
  effectiveAction,
  objectRef,
  reviewConstraint,
  templateEntrypoint,
  type AdmissionEffect,
  type EffectiveAction,
  type ReviewResult,
  type TemplateProgram,
  type Violation,
} from './engine.js';
