/** ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding documents (admissionregistration.k8s.io/v1). */
import type { PolicyIR } from '@podsec/ir';
import { compileCelPolicy, MANAGED_BY_LABELS, podsecAnnotations, type CelPolicyCore } from '../cel/index.js';
import type { GeneratedNames } from '../shared/names.js';
import { celSpecBody } from '../cel/spec-body.js';
import { ANNOTATION_PREFIX } from '../shared/annotations.js';

export const VAP_API_VERSION = 'admissionregistration.k8s.io/v1';

export interface VapDocuments {
  core: CelPolicyCore;
  policy: Record<string, unknown>;
  binding: Record<string, unknown>;
}

export function vapDocuments(ir: PolicyIR, names: GeneratedNames): VapDocuments {
  const core = compileCelPolicy(ir);
  const policy = {
    apiVersion: VAP_API_VERSION,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: names.vapPolicy, labels: { ...MANAGED_BY_LABELS }, annotations: podsecAnnotations(ir) },
    spec: {
      // Fail: a CEL error (which the expressions are written never to raise) must not admit a Pod.
      failurePolicy: 'Fail',
      ...celSpecBody(core, { matchPolicy: 'Equivalent' }),
    },
  };
  const binding = {
    apiVersion: VAP_API_VERSION,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: names.vapBinding, labels: { ...MANAGED_BY_LABELS }, annotations: { [`${ANNOTATION_PREFIX}policy`]: ir.name } },
    spec: { policyName: names.vapPolicy, validationActions: core.validationActions },
  };
  return { core, policy, binding };
}
