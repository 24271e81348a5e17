/** Random admission requests for a policy, and the same request as `evaluatePolicy`'s context. */
import fc from 'fast-check';
import { FIELDS, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { arbitraryPodObject, valuesFromPolicy } from '../../../../test/support/pods.js';
import type { AdmissionRequest } from './harness.js';

export function requestArbitrary(ir: PolicyIR): fc.Arbitrary<AdmissionRequest> {
  const namespaces = [
    ...new Set([
      'default',
      'kube-system',
      'kube-public',
      'prod',
      'staging',
      'team-a',
      ...ir.match.namespaces.include,
      ...ir.match.namespaces.exclude,
      ...ir.exemptions.namespaces,
    ]),
  ];
  const users = [...new Set(['alice', 'bob', 'system:serviceaccount:default:app', ...ir.exemptions.usernames])];
  const values = { ...valuesFromPolicy(ir), runtimeClassName: [...(FIELDS.runtimeClassName!.samples ?? []).map(String), ...ir.exemptions.runtimeClasses] };
  // Weighted toward requests the policy applies to, so rule logic (not just matching) is exercised.
  const included = ir.match.namespaces.include.filter((n) => !ir.match.namespaces.exclude.includes(n) && !ir.exemptions.namespaces.includes(n));
  return fc
    .record({
      operation: fc.oneof(
        { arbitrary: fc.constantFrom(...ir.match.operations), weight: 3 },
        { arbitrary: fc.constantFrom('CREATE' as const, 'UPDATE' as const), weight: 1 },
      ),
      object: fc.oneof(
        { arbitrary: arbitraryPodObject({ values, kinds: ir.match.kinds }), weight: 4 },
        { arbitrary: arbitraryPodObject({ values }), weight: 1 },
      ),
      namespace: included.length
        ? fc.oneof({ arbitrary: fc.constantFrom(...included), weight: 3 }, { arbitrary: fc.constantFrom(...namespaces), weight: 1 })
        : fc.constantFrom(...namespaces),
      namespaceLabels: fc.oneof(
        { arbitrary: fc.constant({}), weight: 3 },
        { arbitrary: fc.record({ 'podsec.io/skip': fc.constant('true'), env: fc.constantFrom('prod', 'dev') }, { requiredKeys: [] }), weight: 1 },
      ),
      username: fc.option(fc.constantFrom(...users), { nil: undefined, freq: 2 }),
      objectLabels: fc.option(fc.oneof(fc.constant({ app: 'demo' }), fc.constant({ app: 'other' }), fc.constant({})), { nil: undefined, freq: 2 }),
    })
    .map(({ objectLabels, ...req }) => {
      // Controllers carry their own labels, which objectSelector reads; vary them independently.
      const metadata = { ...(req.object.metadata as Record<string, unknown>) };
      if (objectLabels) metadata.labels = objectLabels;
      return { ...req, object: { ...req.object, metadata } };
    });
}

export function referenceContext(req: AdmissionRequest): AdmissionContext {
  return {
    operation: req.operation as 'CREATE' | 'UPDATE',
    namespace: req.namespace,
    namespaceLabels: req.namespaceLabels,
    ...(req.username !== undefined ? { username: req.username } : {}),
  };
}
