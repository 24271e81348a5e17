/**
 * ClusterPolicy annotations: the kyverno/policies catalogue keys (title, category, severity, subject,
 * minversion, description), none empty, and the PSS control the policy implements under podsec's
 * own prefix, once. Autogen's annotation is controllers.ts's.
 */
import type { PolicyIR } from '@podsec/ir';
import { pssAnnotations } from '../shared/annotations.js';

/** Oldest Kyverno with rule-level `validate.failureAction` (1.13); everything else used is older. */
export const KYVERNO_MIN_VERSION = '1.13.0';

/** A policy in both levels is listed under Baseline, the weaker level that already requires it. */
const category = (ir: PolicyIR): string =>
  ir.pss ? `Pod Security Standards (${ir.pss.levels.includes('baseline') ? 'Baseline' : 'Restricted'})` : 'Pod Security';

export function policyAnnotations(ir: PolicyIR): Record<string, string> {
  return {
    'policies.kyverno.io/title': ir.title,
    'policies.kyverno.io/category': category(ir),
    'policies.kyverno.io/severity': ir.severity,
    'policies.kyverno.io/subject': 'Pod',
    'policies.kyverno.io/minversion': KYVERNO_MIN_VERSION,
    // kyverno/policies always describes a policy; a policy without a description is described by its title.
    'policies.kyverno.io/description': ir.description.trim() || ir.title,
    ...pssAnnotations(ir),
  };
}
