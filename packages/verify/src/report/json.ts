/**
 * The JSON report: a stable, documented shape for CI and other tools.
 *
 * ```
 * {
 *   "format": "podsec-verify", "version": 1,
 *   "ok": boolean,                         // no disagreements and at least one engine run
 *   "engines": [{"id": "rego"|"gatekeeper"|"kyverno"|"vpol"|"vap", "status": "run"|"not run", "description"?: string}],
 *   "policies": [string],
 *   "random": {"runs": number, "seed": number}?,
 *   "totals": {"fixtures": n, "evaluations": n, "disagreements": n},
 *   "samples": [{"policy", "rule", "message"}],   // the reference's text per violated rule, naming containers when seen
 *   "counts": [{"policy", "engine", "group", "evaluated", "agree", "disagree", "errors", "messages"}],   // sorted
 *   "disagreements": [{
 *     "policy", "fixture": {"name", "group", "seed"?, "path"?, "occurrences"?, "shrunk"?},
 *     "object", "expected": {"outcome": "violated"|"satisfied", "action"?: "deny"|"warn"|"audit"|"allow"|"skip", "skipReason"?, "rules": [string],
 *                            "messages"?: [{"rule", "message"}], "source"},
 *     "engines": [string],
 *     "kinds": {engine: "error"|"outcome"|"action"|"rules"|"untraced"|"message"},
 *     "messages"?: [{"engine", "rule", "expected"?, "found"}],   // message and untraced disagreements: each violation at fault
 *     "decisions": [EngineDecision], "reference"?: decision
 *   }]
 * }
 * ```
 * `policy` is a bundle name (e.g. `pss-restricted`) for bundle verdicts checked against PSA.
 */
import type { VerifyResult } from '../verify.js';

export const JSON_REPORT_FORMAT = 'podsec-verify';
export const JSON_REPORT_VERSION = 1;

export interface JsonReport extends VerifyResult {
  format: typeof JSON_REPORT_FORMAT;
  version: typeof JSON_REPORT_VERSION;
  ok: boolean;
}

export function verifyPassed(result: VerifyResult): boolean {
  return result.disagreements.length === 0 && result.engines.some((e) => e.status === 'run');
}

export function jsonReport(result: VerifyResult): JsonReport {
  return { format: JSON_REPORT_FORMAT, version: JSON_REPORT_VERSION, ok: verifyPassed(result), ...result };
}

export function renderJson(result: VerifyResult): string {
  return `${JSON.stringify(jsonReport(result), null, 2)}\n`;
}
