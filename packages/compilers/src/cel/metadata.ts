/** Object metadata shared by the CEL targets: provenance and the policy's descriptive fields. */
import type { PolicyIR } from '@podsec/ir';
import { ANNOTATION_PREFIX, provenanceAnnotations, pssAnnotations } from '../shared/annotations.js';

export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'podsec' };

/** Kyverno 1.17 made `policies.kyverno.io/v1` ValidatingPolicy GA; older releases serve only v1alpha1/v1beta1. */
export const VPOL_MIN_KYVERNO_VERSION = '1.17.0';

/** Entries whose value is not the empty string: an empty annotation says nothing. */
const nonEmpty = (entries: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== ''));

/** A policy in both levels is listed under Baseline, the weaker level that already requires it. */
const category = (ir: PolicyIR): string =>
  ir.pss ? `Pod Security Standards (${ir.pss.levels.includes('baseline') ? 'Baseline' : 'Restricted'})` : 'Pod Security';

/**
 * podsec's annotations: provenance, the mode and the PSS control, plus the title, description and
 * severity unless `described` (the Kyverno catalogue keys already carry them: no key twice).
 */
export function podsecAnnotations(ir: PolicyIR, options: { described?: boolean } = {}): Record<string, string> {
  return nonEmpty({
    ...provenanceAnnotations(ir),
    ...(options.described
      ? {}
      : { [`${ANNOTATION_PREFIX}title`]: ir.title, [`${ANNOTATION_PREFIX}description`]: ir.description, [`${ANNOTATION_PREFIX}severity`]: ir.severity }),
    [`${ANNOTATION_PREFIX}mode`]: ir.mode,
    ...pssAnnotations(ir),
  });
}

/** The kyverno/policies catalogue keys, read by Policy Reporter and the Kyverno UI. */
export function kyvernoCatalogueAnnotations(ir: PolicyIR): Record<string, string> {
  return nonEmpty({
    'policies.kyverno.io/title': ir.title,
    'policies.kyverno.io/category': category(ir),
    'policies.kyverno.io/severity': ir.severity,
    'policies.kyverno.io/subject': 'Pod',
    'policies.kyverno.io/minversion': VPOL_MIN_KYVERNO_VERSION,
    'policies.kyverno.io/description': ir.description,
  });
}
