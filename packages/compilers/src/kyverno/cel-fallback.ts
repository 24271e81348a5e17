/**
 * The `validate.cel` form of a Kyverno rule (Kyverno >= 1.11), for checks JMESPath cannot say: a
 * JMESPath filter sees only its item, so relations between lists (a volumeMount of this volume)
 * and per-container annotations (keyed by the container's name) have no deny-condition form.
 * The expression is the ValidatingPolicy/VAP target's own CEL for the check, so the three CEL
 * outputs share one rendering.
 */
import type { PodKind, PolicyIR, Rule } from '@podsec/ir';
import { formatCel } from '../cel/format.js';
import { compileRule } from '../cel/policy.js';
import { SharedVariables, type CelVariable } from '../cel/template.js';

export function celValidate(ir: PolicyIR, rule: Rule, kinds: readonly PodKind[], withWhen: boolean): Record<string, unknown> {
  const scope = new SharedVariables(kinds, Array.isArray(ir.exemptImages) ? ir.exemptImages : []);
  const ruleVariables: CelVariable[] = [];
  const v = compileRule(ir, scope, rule, ruleVariables, new Set(), withWhen);
  const variables = [...scope.declarations(), ...ruleVariables].map((x) => ({ ...x, expression: formatCel(x.expression) }));
  const expression = {
    expression: formatCel(v.expression),
    message: v.message,
    ...(v.messageExpression ? { messageExpression: formatCel(v.messageExpression) } : {}),
  };
  return { cel: { variables, expressions: [expression] } };
}
