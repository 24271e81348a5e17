/**
 * Annotations both Gatekeeper objects carry: Gatekeeper's own title/description conventions (as
 * gatekeeper-library uses them) plus podsec's severity and Pod Security Standards reference, so
 * `kubectl get constraints -o yaml` shows what a policy is for.
 */
import type { PolicyIR } from '@podsec/ir';
import { ANNOTATION_PREFIX, provenanceAnnotations, pssAnnotations } from '../shared/annotations.js';
import { PODSEC_VERSION } from '../shared/header.js';

export function annotations(ir: PolicyIR): Record<string, string> {
  return {
    'metadata.gatekeeper.sh/title': ir.title,
    'metadata.gatekeeper.sh/version': PODSEC_VERSION,
    description: ir.description,
    ...provenanceAnnotations(ir),
    [`${ANNOTATION_PREFIX}severity`]: ir.severity,
    ...pssAnnotations(ir),
  };
}
