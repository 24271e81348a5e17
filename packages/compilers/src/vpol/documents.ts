/** Kyverno ValidatingPolicy (policies.kyverno.io/v1), the CEL policy kind Kyverno 1.17 made GA. */
import type { PolicyIR } from '@podsec/ir';
import { compileCelPolicy, kyvernoCatalogueAnnotations, MANAGED_BY_LABELS, podsecAnnotations, type CelPolicyCore } from '../cel/index.js';
import type { GeneratedNames } from '../shared/names.js';
import { celSpecBody } from '../cel/spec-body.js';

export const VPOL_API_VERSION = 'policies.kyverno.io/v1';

export interface VpolDocument {
  core: CelPolicyCore;
  policy: Record<string, unknown>;
}

export function vpolDocument(ir: PolicyIR, names: GeneratedNames): VpolDocument {
  const core = compileCelPolicy(ir);
  const annotations = { ...kyvernoCatalogueAnnotations(ir), ...podsecAnnotations(ir, { described: true }) };
  const policy = {
    apiVersion: VPOL_API_VERSION,
    kind: 'ValidatingPolicy',
    metadata: { name: names.kyvernoVpol, labels: { ...MANAGED_BY_LABELS }, annotations },
    spec: {
      failurePolicy: 'Fail',
      validationActions: core.validationActions,
      /*
       * Autogen off, explicitly. Kyverno rewrites a ValidatingPolicy for Pod controllers only when
       * `CanAutoGen` holds (kyverno/kyverno pkg/cel/autogen/support.go: exactly one resource rule, for
       * core/v1 `pods` alone, no object selector); ours lists the controllers and the ephemeral-containers
       * subresource itself, so it never does. We also set `podControllers.controllers: []`: a non-nil,
       * empty list selects no controllers (pkg/cel/policies/vpol/autogen/autogen.go), so no textual
       * `object.spec` rewrite can ever apply, whatever later Kyverno versions decide about CanAutoGen.
       * Controllers are instead handled by matchConstraints plus the kind-selecting `template` variable.
       */
      autogen: { podControllers: { controllers: [] } },
      // The requesting user exists only at admission: Kyverno's background scan builds its request with an
      // empty UserInfo (kyverno/kyverno pkg/controllers/report/utils/scanner.go) and would report exempt
      // users' workloads as violations, so background evaluation is off when exemptions name users.
      // Namespace conditions need no such care: the scan sets request.namespace from the resource.
      ...(core.readsUserInfo ? { evaluation: { background: { enabled: false } } } : {}),
      ...celSpecBody(core),
    },
  };
  return { core, policy };
}
