/**
 * PolicyException (kyverno.io/v2) selection — Kyverno's exception selector plus utils.MatchesException: an
 * exception applies to a rule when it names the policy (`namespace/name` for a namespaced Policy) and a
 * matching rule name (globs allowed), its `match` selects the resource, and its `conditions` hold.
 */
import type { JsonContext } from './context.js';
import { evaluateConditions } from './conditions.js';
import { isObject } from './json.js';
import { matchException, type MatchSubject } from './match.js';
import type { LoadedException } from './types.js';
import { wildcardMatch } from './wildcard.js';

export function exceptionsForRule(exceptions: readonly LoadedException[], policyKey: string, rule: string): LoadedException[] {
  return exceptions.filter((e) => {
    const list = e.spec['exceptions'];
    if (!Array.isArray(list)) return false;
    return list.some(
      (x) =>
        isObject(x) &&
        x['policyName'] === policyKey &&
        Array.isArray(x['ruleNames']) &&
        x['ruleNames'].some((r) => typeof r === 'string' && wildcardMatch(r, rule)),
    );
  });
}

/** The exceptions (already filtered by policy/rule) whose match and conditions select this request. */
export function matchingExceptions(candidates: readonly LoadedException[], subject: MatchSubject, ctx: JsonContext): LoadedException[] {
  return candidates.filter((e) => {
    if (!matchException(e.spec['match'], subject)) return false;
    const conditions = e.spec['conditions'];
    if (conditions === undefined || conditions === null) return true;
    try {
      return evaluateConditions(ctx, conditions).value;
    } catch {
      // Upstream logs the error and ignores the exception.
      return false;
    }
  });
}

export function exceptionKey(e: LoadedException): string {
  return e.namespace ? `${e.namespace}/${e.name}` : e.name;
}
