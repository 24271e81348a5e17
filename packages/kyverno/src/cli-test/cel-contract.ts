/**
 * The contract between the `podsec test kyverno` runner and the CEL engines it drives, in its own
 * module so that the runner and the evaluator (cel-evaluator.ts) both depend on it and not on
 * each other.
 */
import type { JsonObject } from '../json.js';
import type { RuleStatus, UserInfo } from '../types.js';

type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * Plug-in point for the CEL engines: given the CEL policy documents of a test and one admission request,
 * return one result per policy that produced a response.
 */
/** One CEL policy's answer for one request: a status, no response (status absent), or why it was not evaluated. */
export interface CelTestResult {
  policy: string;
  kind: string;
  status?: RuleStatus;
  message: string;
  unsupported?: boolean;
  invalid?: boolean;
}

export interface CelTestEvaluator {
  evaluate(input: {
    documents: readonly JsonObject[];
    object: JsonObject | null;
    oldObject: JsonObject | null;
    operation: Operation;
    namespaceObject: JsonObject | null;
    paramResources: readonly JsonObject[];
    /** policies.kyverno.io PolicyExceptions the test names. */
    exceptions?: readonly JsonObject[];
    userInfo?: UserInfo;
  }): CelTestResult[];
}
