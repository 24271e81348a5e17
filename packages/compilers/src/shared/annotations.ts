import type { PolicyIR } from '@podsec/ir';

/**
 * podsec's own annotations, one prefix for every emitted kind, so
 * `kubectl get … -o jsonpath='{.metadata.annotations.podsec\.dev/policy}'` works on all of them.
 */
export const ANNOTATION_PREFIX = 'podsec.dev/';

/** Where an object came from: the policy and its source module. */
export function provenanceAnnotations(ir: Pick<PolicyIR, 'name' | 'source'>): Record<string, string> {
  return { [`${ANNOTATION_PREFIX}policy`]: ir.name, [`${ANNOTATION_PREFIX}source`]: ir.source };
}

/** The Pod Security Standards control a policy implements, when it implements one. */
export function pssAnnotations(ir: Pick<PolicyIR, 'pss'>): Record<string, string> {
  if (!ir.pss) return {};
  return {
    [`${ANNOTATION_PREFIX}pss-check`]: ir.pss.check,
    [`${ANNOTATION_PREFIX}pss-control`]: ir.pss.control,
    [`${ANNOTATION_PREFIX}pss-levels`]: [...ir.pss.levels].sort().join(','),
    [`${ANNOTATION_PREFIX}pss-version`]: ir.pss.version,
  };
}
