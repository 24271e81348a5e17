/**
 * PSA configuration → policies. The decisions of the returned policies are compared with what PSA
 * does with the same configuration (k8s.io/pod-security-admission/admission/admission.go: per
 * mode level+version, namespace labels overriding defaults, exemptions, enforce on Pods only),
 * using our PSA engine for the level checks.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import type { Policy } from '@podsec/dsl';
import { evaluatePolicy, podTemplateOf } from '@podsec/ir';
import * as engine from '@podsec/pss';
import {
  PssConfigError,
  pssFromAdmissionConfiguration,
  pssFromSettings,
  pssFromNamespaceLabels,
  readAdmissionConfiguration,
  readNamespaceLabels,
  type PssModeSetting,
} from '@podsec/pss-library';
import type { PssMode } from '@podsec/pss-library';
import { repoRoot, sharedDir } from '../support/shared.js';
import { arbitraryPssObject } from './support/pss-pods.js';

type Obj = Record<string, unknown>;

/** The AdmissionConfiguration in the cluster-level PSS tutorial seed, as its heredoc writes it. */
function seedAdmissionConfiguration(): string {
  const seed = readFileSync(sharedDir('seeds', '004_8a8bf9d7adfdf6a8.txt'), 'utf8');
  const lines = seed.slice(seed.indexOf('cat <<EOF > /tmp/pss/cluster-level-pss.yaml')).split('\n').slice(1);
  return lines
    .slice(
      0,
      lines.findIndex((l) => l.trim() === 'EOF'),
    )
    .map((l) => l.slice(4))
    .join('\n');
}

const NAMESPACES_YAML = `
apiVersion: v1
kind: Namespace
metadata: { name: payments, labels: { pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.29 } }
---
apiVersion: v1
kind: Namespace
metadata: { name: legacy, labels: { pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/warn: baseline } }
---
apiVersion: v1
kind: Namespace
metadata: { name: ledger, labels: { pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.29 } }
---
apiVersion: v1
kind: Namespace
metadata: { name: plain, labels: { team: a } }
`;
const namespaces = parseAllDocuments(NAMESPACES_YAML).map((d) => d.toJS() as Obj);

/** What PSA decides for one mode: deny (enforce refuses / audit records / warn warns) or not. */
function psaDenies(setting: PssModeSetting, mode: PssMode, object: Obj, ns: string, exempt: string[]): boolean {
  if (exempt.includes(ns) || setting.level === 'privileged') return false;
  if (mode === 'enforce' && object.kind !== 'Pod') return false;
  return !engine.evaluatePodSecurity(podTemplateOf(object)!.template, { level: setting.level, version: setting.version }).allowed;
}
function policiesDeny(policies: Policy[], mode: PssMode, object: Obj, ns: string): boolean {
  return policies.some((p) => {
    if (p.ir.mode !== mode) return false;
    const v = evaluatePolicy(p.ir, object, { namespace: ns });
    return v.applies && v.violated;
  });
}

describe('pssFromAdmissionConfiguration: the cluster-level PSS seed', () => {
  const doc = parse(seedAdmissionConfiguration());
  const policies = pssFromAdmissionConfiguration(doc, { source: 'cluster-level-pss.yaml' });

  it('ships verbatim as examples/cluster-pss/admission-config.yaml', () => {
    expect(parse(readFileSync(join(repoRoot, 'examples', 'cluster-pss', 'admission-config.yaml'), 'utf8'))).toEqual(doc);
  });

  it('is baseline enforced on Pods, restricted audited and warned on every Pod kind, kube-system exempt', () => {
    const byMode = (m: PssMode) => policies.filter((p) => p.ir.mode === m);
    expect(
      byMode('enforce')
        .map((p) => p.ir.pss!.check)
        .sort(),
    ).toEqual(
      engine
        .checksFor('baseline', 'latest')
        .map((d) => d.id)
        .sort(),
    );
    expect(
      byMode('audit')
        .map((p) => p.ir.pss!.check)
        .sort(),
    ).toEqual(
      engine
        .checksFor('restricted', 'latest')
        .map((d) => d.id)
        .sort(),
    );
    expect(byMode('warn')).toHaveLength(byMode('audit').length);
    for (const p of byMode('enforce')) expect(p.ir.match.kinds).toEqual(['Pod']);
    for (const p of [...byMode('audit'), ...byMode('warn')]) expect(p.ir.match.kinds).toHaveLength(8);
    for (const p of policies) expect(p.ir.exemptions).toEqual({ usernames: [], runtimeClasses: [], namespaces: ['kube-system'] });
    expect(new Set(policies.map((p) => p.ir.name)).size).toBe(policies.length);
    expect(policies.map((p) => p.ir.name)).toContain('enforce-baseline-host-namespaces');
    expect(policies.map((p) => p.ir.name)).toContain('warn-restricted-run-as-non-root');
  });

  it('decides like PSA for random Pods and controllers in an ordinary and an exempt namespace (300 runs)', () => {
    const { defaults } = readAdmissionConfiguration(doc);
    fc.assert(
      fc.property(arbitraryPssObject(policies), fc.constantFrom('default', 'kube-system'), (object, ns) => {
        for (const mode of ['enforce', 'audit', 'warn'] as const)
          expect([mode, policiesDeny(policies, mode, object, ns)]).toEqual([mode, psaDenies(defaults[mode], mode, object, ns, ['kube-system'])]);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});

describe('namespace labels', () => {
  const config = parse(seedAdmissionConfiguration());
  const policies = pssFromAdmissionConfiguration(config, { namespaces, source: 'admission.yaml', namespacesSource: 'ns.yaml' });
  const { defaults } = readAdmissionConfiguration(config);
  const labelled = readNamespaceLabels(namespaces, defaults);

  it('reads each mode, falling back to the default level or version', () => {
    expect(labelled).toEqual([
      { name: 'ledger', modes: { enforce: { level: 'restricted', version: 'v1.29' } } },
      { name: 'legacy', modes: { enforce: { level: 'privileged', version: 'latest' }, warn: { level: 'baseline', version: 'latest' } } },
      { name: 'payments', modes: { enforce: { level: 'restricted', version: 'v1.29' } } },
    ]);
  });

  it('scopes one copy per distinct setting to its namespaces, and takes them out of the default copy', () => {
    const pinned = policies.filter((p) => p.ir.name.startsWith('enforce-restricted-1-29-'));
    expect(pinned.length).toBe(engine.checksFor('restricted', 'v1.29').length);
    for (const p of pinned) expect([p.ir.match.namespaces, p.ir.pss!.version]).toEqual([{ include: ['ledger', 'payments'], exclude: [] }, 'v1.29']);
    for (const p of policies.filter((q) => q.ir.name.startsWith('enforce-baseline-')))
      expect(p.ir.match.namespaces).toEqual({ include: [], exclude: ['ledger', 'legacy', 'payments'] });
    for (const p of policies.filter((q) => q.ir.name.startsWith('warn-baseline-'))) expect(p.ir.match.namespaces).toEqual({ include: ['legacy'], exclude: [] });
    for (const p of policies) expect(p.ir.name.length).toBeLessThanOrEqual(50);
  });

  it('decides like PSA in every namespace (300 runs)', () => {
    const settingFor = (mode: PssMode, ns: string) => labelled.find((n) => n.name === ns)?.modes[mode] ?? defaults[mode];
    fc.assert(
      fc.property(arbitraryPssObject(policies), fc.constantFrom('default', 'kube-system', 'payments', 'legacy', 'ledger', 'plain'), (object, ns) => {
        for (const mode of ['enforce', 'audit', 'warn'] as const)
          expect([mode, ns, policiesDeny(policies, mode, object, ns)]).toEqual([mode, ns, psaDenies(settingFor(mode, ns), mode, object, ns, ['kube-system'])]);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('pssFromNamespaceLabels alone: only labelled modes, scoped with match.namespaces.include', () => {
    const only = pssFromNamespaceLabels(namespaces, { exemptions: { usernames: ['system:serviceaccount:ci:deployer'] } });
    const scopes = new Set(only.map((p) => `${p.ir.mode}:${p.ir.match.namespaces.include.join(',')}:${p.ir.match.namespaces.exclude.length}`));
    expect([...scopes].sort()).toEqual(['enforce:ledger,payments:0', 'warn:legacy:0']);
    for (const p of only) expect(p.ir.exemptions.usernames).toEqual(['system:serviceaccount:ci:deployer']);
  });
});

describe('bad input names the file, the path and the fix', () => {
  const seed = () => parse(seedAdmissionConfiguration()) as Obj;
  const cfg = (d: Obj) => (d.plugins as Obj[])[0]!.configuration as Obj;
  const cases: [string, () => unknown, RegExp][] = [
    ['wrong kind', () => ({ apiVersion: 'v1', kind: 'ConfigMap' }), /^a\.yaml: kind: expected kind AdmissionConfiguration, got "ConfigMap"\. Fix: /],
    [
      'no PodSecurity plugin',
      () => ({ ...seed(), plugins: [{ name: 'EventRateLimit' }] }),
      /^a\.yaml: plugins: no plugin named PodSecurity\. Fix: add `- name: PodSecurity`/,
    ],
    [
      'configuration in another file',
      () => ({ ...seed(), plugins: [{ name: 'PodSecurity', path: 'pss.yaml' }] }),
      /^a\.yaml: plugins\[0\]\.path: .*not supported\. Fix: inline/,
    ],
    [
      'unknown level',
      () => {
        const d = seed();
        (cfg(d).defaults as Obj).enforce = 'strict';
        return d;
      },
      /^a\.yaml: plugins\[0\]\.configuration\.defaults\.enforce: unknown Pod Security level "strict"\. Fix: use one of privileged, baseline, restricted$/,
    ],
    [
      'version before the library',
      () => {
        const d = seed();
        (cfg(d).defaults as Obj)['audit-version'] = 'v1.22';
        return d;
      },
      /defaults\.audit-version: unsupported Pod Security version "v1\.22" for level restricted\. Fix: write "latest" or "v1\.<minor>" with minor 23 … 37$/,
    ],
    [
      'future version',
      () => {
        const d = seed();
        (cfg(d).defaults as Obj)['warn-version'] = 'v1.40';
        return d;
      },
      /defaults\.warn-version: unsupported Pod Security version "v1\.40"/,
    ],
    [
      'typo in defaults',
      () => {
        const d = seed();
        (cfg(d).defaults as Obj).enforce_version = 'latest';
        return d;
      },
      /defaults\.enforce_version: unknown key\. Fix: use one of enforce, enforce-version/,
    ],
    [
      'old config apiVersion',
      () => {
        const d = seed();
        cfg(d).apiVersion = 'pod-security.admission.config.k8s.io/v1alpha1';
        return d;
      },
      /configuration\.apiVersion: unsupported apiVersion .*Fix: use pod-security\.admission\.config\.k8s\.io\/v1 or/,
    ],
    [
      'bad exemptions',
      () => {
        const d = seed();
        (cfg(d).exemptions as Obj).namespaces = 'kube-system';
        return d;
      },
      /exemptions\.namespaces: must be a list of non-empty strings/,
    ],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    expect(() => pssFromAdmissionConfiguration(make(), { source: 'a.yaml' })).toThrow(PssConfigError);
    expect(() => pssFromAdmissionConfiguration(make(), { source: 'a.yaml' })).toThrow(message);
  });

  it('hand-edited settings in a generated module', () => {
    const settings = {
      ...readAdmissionConfiguration(parse(seedAdmissionConfiguration())),
      namespaces: [{ name: 'x', modes: { warn: { level: 'restricted' as const, version: 'v1.2' } } }],
    };
    expect(() => pssFromSettings(settings, 'cluster/pss.ts')).toThrow(
      'cluster/pss.ts: namespaces[0].modes.warn.version: unsupported Pod Security version "v1.2" for level restricted. Fix: write "latest" or "v1.<minor>" with minor 23 … 37',
    );
  });

  it('namespace files', () => {
    expect(() => pssFromNamespaceLabels([{ kind: 'Pod', metadata: { name: 'x' } }], { source: 'ns.yaml' })).toThrow(
      /^ns\.yaml: \[0\]\.kind: expected kind Namespace, got "Pod"\. Fix: /,
    );
    expect(() =>
      pssFromNamespaceLabels(
        { kind: 'Namespace', metadata: { name: 'x', labels: { 'pod-security.kubernetes.io/warn': 'Restricted' } } },
        { source: 'ns.yaml' },
      ),
    ).toThrow(
      'ns.yaml: metadata.labels["pod-security.kubernetes.io/warn"]: unknown Pod Security level "Restricted". Fix: use one of privileged, baseline, restricted',
    );
    expect(() =>
      pssFromNamespaceLabels(
        {
          kind: 'List',
          items: [
            {
              kind: 'Namespace',
              metadata: { name: 'x', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.9' } },
            },
          ],
        },
        { source: 'ns.yaml' },
      ),
    ).toThrow(
      /^ns\.yaml: items\[0\]\.metadata\.labels\["pod-security\.kubernetes\.io\/enforce-version"\]: unsupported Pod Security version "v1\.9" for level baseline/,
    );
  });
});
