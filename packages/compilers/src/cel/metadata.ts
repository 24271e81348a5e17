/** Object metadata shared by the CEL targets: provenance and the policy's descriptive fields. */
import type { PolicyIR } from '@podsec/ir';

export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'podsec' };

/** `podsec.io/*` annotations carrying what the IR says about the policy beyond its logic. */
export function podsecAnnotations(ir: PolicyIR): Record<string, string> {
  const out: Record<string, string> = {
    'podsec.io/policy': ir.name,
    'podsec.io/source': ir.source,
    'podsec.io/title': ir.title,
    'podsec.io/description': ir.description,
    'podsec.io/severity': ir.severity,
    'podsec.io/mode': ir.mode,
  };
  if (ir.pss) {
    out['podsec.io/pss-check'] = ir.pss.check;
    out['podsec.io/pss-control'] = ir.pss.control;
    out['podsec.io/pss-levels'] = ir.pss.levels.join(',');
    out['podsec.io/pss-version'] = ir.pss.version;
  }
  return out;
}
