/**
 * Annotations both Gatekeeper objects carry: Gatekeeper's own title/description conventions (as
 * gatekeeper-library uses them) plus podsec's severity and Pod Security Standards reference, so
 * `kubectl get constraints -o yaml` shows what a policy is for.
 */
import type { PolicyIR } from '@podsec/ir';
import { PODSEC_VERSION } from '../shared/header.js';

export function annotations(ir: PolicyIR): Record<string, string> {
  const out: Record<string, string> = {
    'metadata.gatekeeper.sh/title': ir.title,
    'metadata.gatekeeper.sh/version': PODSEC_VERSION,
    description: ir.description,
    'podsec.dev/policy': ir.name,
    'podsec.dev/source': ir.source,
    'podsec.dev/severity': ir.severity,
  };
  if (ir.pss) {
    out['podsec.dev/pss-control'] = ir.pss.control;
    out['podsec.dev/pss-check'] = ir.pss.check;
    out['podsec.dev/pss-levels'] = ir.pss.levels.join(',');
    out['podsec.dev/pss-version'] = ir.pss.version;
  }
  return out;
}
