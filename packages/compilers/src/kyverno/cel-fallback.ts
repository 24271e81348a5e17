/**
 * The `validate.cel` form of a Kyverno rule (Kyverno >= 1.11), for checks JMESPath cannot say: a
 * JMESPath filter sees only its item, so relations between lists (a volumeMount of this volume)
 * and per-container annotations (keyed by the container's name) have no deny-condition form.
 * The expression is the ValidatingPolicy/VAP target's own CEL for the check, so the three CEL
 * outputs share one rendering.
 */
import type { PodKind, PolicyIR, Rule } from '@podsec/ir';
import { and, not, or } from '../cel/bool.js';
import { renderCheck } from '../cel/checks.js';
import { staticMessage } from '../cel/message.js';
import { SharedVariables } from '../cel/template.js';

export function celValidate(ir: PolicyIR, rule: Rule, kinds: readonly PodKind[], withWhen: boolean): Record<string, unknown> {
  const scope = new SharedVariables(kinds, Array.isArray(ir.exemptImages) ? ir.exemptImages : []);
  const require = renderCheck(rule.require, scope);
  const expression = withWhen && rule.when ? or(not(renderCheck(rule.when, scope)), require) : and(require);
  return { cel: { variables: scope.declarations(), expressions: [{ expression, message: staticMessage(ir, rule) }] } };
}
