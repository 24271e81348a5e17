import { describe, expect, it } from '@jest/globals';
import { PSP_TEMPLATES, PspConstraintError, pspLibraryPolicies, pspPolicy, readConstraintFile, renderPspModule } from '../src/index.js';

const constraint = (kind: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind,
  metadata: { name: 'c' },
  spec,
});

describe('pspPolicy', () => {
  it('turns a Constraint into a policy named after it, with its mode and match', () => {
    const p = pspPolicy(constraint('K8sPSPHostNamespace', { enforcementAction: 'warn', match: { excludedNamespaces: ['kube-system'] } }));
    expect(p.ir).toMatchObject({ name: 'c', mode: 'warn', match: { kinds: ['Pod'], namespaces: { include: [], exclude: ['kube-system'] } } });
  });

  it('refuses an unknown kind with the closest known one', () => {
    expect(() => pspPolicy(constraint('K8sPSPHostNamespaces'), 'c.yaml')).toThrow(PspConstraintError);
    expect(() => pspPolicy(constraint('K8sPSPHostNamespaces'), 'c.yaml')).toThrow(
      /c\.yaml: kind: "K8sPSPHostNamespaces" .* Fix: did you mean "K8sPSPHostNamespace"\?/,
    );
  });

  it('refuses a parameter the template does not declare, naming it', () => {
    expect(() => pspPolicy(constraint('K8sPSPHostNamespace', { parameters: { exemptImages: ['x'] } }), 'c.yaml')).toThrow(
      /c\.yaml: spec\.parameters\.exemptImages: not a parameter of K8sPSPHostNamespace\. Fix: K8sPSPHostNamespace takes no parameters/,
    );
  });

  it.each([
    [
      'K8sPSPCapabilities',
      { allowedCapabilities: 'SYS_ADMIN' },
      /c\.yaml: spec\.parameters\.allowedCapabilities: "SYS_ADMIN" is not a list of strings\. Fix: write a list of strings/,
    ],
    ['K8sPSPCapabilities', { allowedCapabilities: [1] }, /spec\.parameters\.allowedCapabilities\[0\]: 1 is not a string/],
    [
      'K8sPSPCapabilities',
      { allowedCapabilitie: ['X'] },
      /spec\.parameters\.allowedCapabilitie: not a parameter of K8sPSPCapabilities\. Fix: did you mean "allowedCapabilities"\?/,
    ],
    [
      'K8sPSPAllowedUsers',
      { runAsUser: { rule: 'MustRunAsRoot' } },
      /spec\.parameters\.runAsUser\.rule: "MustRunAsRoot" is not allowed\. Fix: did you mean "MustRunAsNonRoot"\?/,
    ],
    [
      'K8sPSPAllowedUsers',
      { runAsUser: { rul: 'MustRunAs' } },
      /spec\.parameters\.runAsUser\.rul: not a field of K8sPSPAllowedUsers's runAsUser\. Fix: did you mean "rule"\?/,
    ],
    [
      'K8sPSPAllowedUsers',
      { fsGroup: { rule: 'MustRunAs', ranges: [{ min: '1', max: 2 }] } },
      /spec\.parameters\.fsGroup\.ranges\[0\]\.min: "1" is not an integer/,
    ],
    ['K8sPSPHostNetworkingPorts', { hostNetwork: 'false' }, /spec\.parameters\.hostNetwork: "false" is not a boolean\. Fix: write a boolean, e\.g\. true/],
  ])('refuses %s parameters %j that the declaration does not accept', (kind, parameters, message) => {
    expect(() => pspPolicy(constraint(kind, { parameters }), 'c.yaml')).toThrow(PspConstraintError);
    expect(() => pspPolicy(constraint(kind, { parameters }), 'c.yaml')).toThrow(message);
  });

  it('refuses, loudly, supplementalGroups ranges it cannot check yet', () => {
    const c = constraint('K8sPSPAllowedUsers', { parameters: { supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 1, max: 2 }] } } });
    expect(() => pspPolicy(c, 'c.yaml')).toThrow(
      /c\.yaml: spec\.parameters\.supplementalGroups\.rule: MayRunAs needs supplementalGroups ranges checked per element/,
    );
    expect(pspPolicy(constraint('K8sPSPAllowedUsers', { parameters: { supplementalGroups: { rule: 'RunAsAny' } } })).ir.name).toBe('c');
  });

  it('takes JSON null as unset', () => {
    expect(pspPolicy(constraint('K8sPSPHostNetworkingPorts', { parameters: { min: null } })).ir.values).toEqual({ min: null });
  });

  it('the library holds a default and a non-default instance of every template, uniquely named', () => {
    const names = pspLibraryPolicies().map((p) => p.ir.name);
    expect(names).toHaveLength(2 * PSP_TEMPLATES.length);
    expect(new Set(names).size).toBe(names.length);
    for (const t of PSP_TEMPLATES) expect(names).toEqual(expect.arrayContaining([`psp-${t.slug}`, `psp-${t.slug}-${t.variant.suffix}`]));
  });
});

const YAML = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPHostNamespace
metadata:
  name: psp-host-namespace
  annotations: {owner: platform}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    excludedNamespaces: ["kube-system"]
status: {totalViolations: 3}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPHostNamespace
metadata: {name: "it's-warned"}
spec: {enforcementAction: warn}
`;

describe('the import module', () => {
  it('keeps what podsec reads of each Constraint (not status or annotations), one export per Constraint', () => {
    expect(() => readConstraintFile(YAML, 'c.yaml')).toThrow(/c\.yaml \(document 1\): metadata\.name: "it's-warned" is not a DNS-1123 label/);
    const docs = readConstraintFile(YAML.replace("it's-warned", 'warned'), 'c.yaml');
    expect(docs.map((d) => d.source)).toEqual(['c.yaml (document 0)', 'c.yaml (document 1)']);
    expect(docs[0]!.constraint).toEqual({
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sPSPHostNamespace',
      metadata: { name: 'psp-host-namespace' },
      spec: { match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }], excludedNamespaces: ['kube-system'] } },
    });
    const text = renderPspModule(docs, 'podsec import gatekeeper c.yaml --out m.ts');
    expect(text.split('\n').slice(0, 2)).toEqual([
      '// Generated by podsec import gatekeeper: do not edit.',
      '// Re-generate with: podsec import gatekeeper c.yaml --out m.ts',
    ]);
    expect(text).toContain("import { pspPolicy } from 'podsec/psp';");
    expect(text).toContain('export const pspHostNamespace = pspPolicy({\n');
    expect(text).toContain("export const warned = pspPolicy({\n  apiVersion: 'constraints.gatekeeper.sh/v1beta1',\n");
    expect(text).toContain("    excludedNamespaces: ['kube-system'],\n");
    expect(text.endsWith('\nexport default [pspHostNamespace, warned];\n')).toBe(true);
    expect(renderPspModule([...docs].reverse(), 'podsec import gatekeeper c.yaml --out m.ts')).toBe(text);
  });

  it('refuses two Constraints with one name (one podsec policy name), naming both', () => {
    const docs = readConstraintFile(YAML.replace("it's-warned", 'psp-host-namespace'), 'c.yaml');
    expect(() => renderPspModule(docs, 'x')).toThrow(
      /c\.yaml \(document 1\): metadata\.name: "psp-host-namespace" is also the name of the Constraint in c\.yaml \(document 0\)/,
    );
  });

  it('refuses a file without Constraints', () => {
    expect(() => readConstraintFile('# nothing\n', 'empty.yaml')).toThrow(/empty\.yaml: holds no Constraint/);
  });
});
