import type { Policy } from '@podsec/dsl';
import { nameFix } from '@podsec/ir';
import { PspConstraintError, readConstraint } from './constraint.js';
import { checkParameters } from './parameters.js';
import { PSP_TEMPLATES } from './templates/index.js';

/**
 * The podsec policy with the meaning of a gatekeeper-library Constraint (any of the 19 K8sPSP…
 * kinds): its match, parameters and enforcementAction. `source` names the Constraint in errors
 * (a file name, say); every error names the path inside the Constraint and the fix.
 */
export function pspPolicy(constraint: unknown, source = '<object>'): Policy {
  const c = readConstraint(constraint, source);
  const template = PSP_TEMPLATES.find((t) => t.kind === c.kind);
  if (!template)
    throw new PspConstraintError(
      `${source}: kind: "${c.kind}" is not a gatekeeper-library Pod Security Policy kind. Fix: ${nameFix(
        c.kind,
        PSP_TEMPLATES.map((t) => t.kind),
      )}.`,
    );
  const policy = template.policy(c);
  checkParameters(policy.ir.parameters ?? {}, c.parameters, source, c.kind);
  return policy;
}
