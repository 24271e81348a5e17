import type { CelPolicyCore } from './policy.js';

/**
 * The part of the spec VAP and Kyverno ValidatingPolicy share field for field: what to match, the
 * match conditions, the variables and the validations. Key order is fixed, so output is stable.
 */
export function celSpecBody(core: CelPolicyCore) {
  return {
    matchConstraints: {
      matchPolicy: 'Equivalent',
      ...(core.namespaceSelector ? { namespaceSelector: core.namespaceSelector } : {}),
      ...(core.objectSelector ? { objectSelector: core.objectSelector } : {}),
      resourceRules: core.resourceRules,
    },
    ...(core.matchConditions.length ? { matchConditions: core.matchConditions } : {}),
    variables: core.variables,
    validations: core.validations,
  };
}
