import { describe, expect, it } from '@jest/globals';
import { PspConstraintError, readConstraint } from '../src/index.js';

const base = (spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind: 'K8sPSPHostNamespace',
  metadata: { name: 'psp-host-namespace' },
  spec,
  ...extra,
});

describe('readConstraint', () => {
  it('reads kind, name, match and the enforcement action as a podsec mode', () => {
    const c = readConstraint(
      base({
        enforcementAction: 'dryrun',
        match: {
          kinds: [
            { apiGroups: [''], kinds: ['Pod'] },
            { apiGroups: ['apps'], kinds: ['Deployment'] },
          ],
          namespaces: ['prod'],
          excludedNamespaces: ['kube-system'],
          labelSelector: { matchLabels: { app: 'web' } },
          namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        },
        parameters: { x: 1 },
      }),
      'c.yaml',
    );
    expect(c).toEqual({
      source: 'c.yaml',
      kind: 'K8sPSPHostNamespace',
      name: 'psp-host-namespace',
      mode: 'audit',
      match: {
        kinds: ['Pod', 'Deployment'],
        namespaces: { include: ['prod'], exclude: ['kube-system'] },
        objectSelector: { matchLabels: { app: 'web' } },
        namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
      },
      parameters: { x: 1 },
    });
  });

  it.each([
    ['deny', 'enforce'],
    ['warn', 'warn'],
    ['dryrun', 'audit'],
    [undefined, 'enforce'],
  ])('enforcementAction %s → mode %s', (action, mode) => {
    expect(readConstraint(base(action ? { enforcementAction: action } : {})).mode).toBe(mode);
  });

  it('judges Pods only when the Constraint names no kinds or every kind, as the upstream templates do', () => {
    expect(readConstraint(base()).match.kinds).toEqual(['Pod']);
    expect(readConstraint(base({ match: { kinds: [{ apiGroups: ['*'], kinds: ['*'] }] } })).match.kinds).toEqual(['Pod']);
  });

  it.each([
    [base({ enforcementAction: 'scoped' }), /c\.yaml: spec\.enforcementAction: "scoped" is not supported\. Fix: use deny, warn or dryrun\./],
    [
      base({ match: { kinds: [{ apiGroups: [''], kinds: ['Namespace'] }] } }),
      /c\.yaml: spec\.match\.kinds\[0\]\.kinds: "Namespace" .* not a Pod or Pod controller kind/,
    ],
    [base({ match: { kinds: [{ apiGroups: [''], kinds: ['Deployment'] }] } }), /spec\.match\.kinds\[0\]\.kinds: "Deployment" in apiGroups \[""\]/],
    [base({ match: { name: 'x' } }), /c\.yaml: spec\.match\.name: not supported by podsec\. Fix: use kinds, namespaces/],
    [base({ match: { namespaces: ['kube-*'] } }), /spec\.match\.namespaces\[0\]: namespace prefix "kube-\*" is not supported/],
    [base({ match: { scope: 'Cluster' } }), /spec\.match\.scope: "Cluster" matches no Pod/],
    [base({ parameters: ['a'] }), /c\.yaml: spec\.parameters: expected a mapping/],
    [base({ other: 1 }), /c\.yaml: spec\.other: not supported by podsec/],
    [base({}, { metadata: { name: 'Bad_Name' } }), /c\.yaml: metadata\.name: "Bad_Name" is not a DNS-1123 label/],
    [
      base({}, { apiVersion: 'v1' }),
      /c\.yaml: apiVersion: "v1" is not a Gatekeeper constraint API\. Fix: write apiVersion: constraints\.gatekeeper\.sh\/v1beta1/,
    ],
    ['text', /c\.yaml: \(document\): expected a Constraint mapping/],
  ])('refuses %j naming the path and the fix', (doc, message) => {
    expect(() => readConstraint(doc, 'c.yaml')).toThrow(PspConstraintError);
    expect(() => readConstraint(doc, 'c.yaml')).toThrow(message);
  });
});
