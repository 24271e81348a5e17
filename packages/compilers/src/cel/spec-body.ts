import type { CelPolicyCore } from './policy.js';

/**
 * The part of the spec VAP and Kyverno ValidatingPolicy share field for field: what to match, the
 * match conditions, the variables and the validations. Key order is fixed, so output is stable.
 * `matchPolicy` is written only where the engine honours it: the apiserver does for VAP, Kyverno's
 * ValidatingPolicy matcher (pkg/cel/matching) matches exact resources only, so declaring
 * `Equivalent` there would promise what Kyverno does not do. podsec's apiVersion rule (served
 * versions only: v1 Pods, apps/v1, batch/v1) makes the two agree on every object it evaluates.
 */
export function celSpecBody(core: CelPolicyCore, options: { matchPolicy?: 'Equivalent' } = {}) {
  return {
    matchConstraints: {
      ...(options.matchPolicy ? { matchPolicy: options.matchPolicy } : {}),
      ...(core.namespaceSelector ? { namespaceSelector: core.namespaceSelector } : {}),
      ...(core.objectSelector ? { objectSelector: core.objectSelector } : {}),
      resourceRules: core.resourceRules,
    },
    ...(core.matchConditions.length ? { matchConditions: core.matchConditions } : {}),
    variables: core.variables,
    validations: core.validations,
  };
}
