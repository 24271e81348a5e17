/** Object metadata shared by the CEL targets: provenance and the policy's descriptive fields. */
import type { PolicyIR } from '@podsec/ir';
import { ANNOTATION_PREFIX, provenanceAnnotations, pssAnnotations } from '../shared/annotations.js';

export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'podsec' };

/** podsec's annotations carrying what the IR says about the policy beyond its logic. */
export function podsecAnnotations(ir: PolicyIR): Record<string, string> {
  return {
    ...provenanceAnnotations(ir),
    [`${ANNOTATION_PREFIX}title`]: ir.title,
    [`${ANNOTATION_PREFIX}description`]: ir.description,
    [`${ANNOTATION_PREFIX}severity`]: ir.severity,
    [`${ANNOTATION_PREFIX}mode`]: ir.mode,
    ...pssAnnotations(ir),
  };
}
