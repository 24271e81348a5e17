/**
 * Several Constraints of one gatekeeper-library kind, as clusters hold them: one ConstraintTemplate
 * (the upstream kind) shared by every instance, one Constraint each with its own parameters, and
 * every engine deciding each instance with its own values. Bad parameter values fail the build of
 * a policy module loudly, naming the module, the parameter path and the fix.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildPolicies, PolicyCompileError } from '@podsec/compilers';
import { definePolicy, container } from '@podsec/dsl';
import { pspPolicy } from '@podsec/psp-library';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult } from '@podsec/verify';
import { podsec, scratchDir } from './support/cli.js';

const seccomp = (name: string, allowedProfiles: string[], enforcementAction = 'deny') =>
  pspPolicy({
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: 'K8sPSPSeccomp',
    metadata: { name },
    spec: { enforcementAction, match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, parameters: { allowedProfiles } },
  });

const localhostPod = (file: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'nginx', image: 'nginx', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: file } } }] },
});

describe('two Constraints of one template', () => {
  const strict = seccomp('seccomp-strict', ['runtime/default']);
  const local = seccomp('seccomp-local', ['runtime/default', 'localhost/profile.json'], 'warn');
  const result = buildPolicies([strict.ir, local.ir]);
  const templates = result.files.filter((f) => f.path.startsWith('gatekeeper/templates/'));
  const constraints = result.files.filter((f) => f.path.startsWith('gatekeeper/constraints/'));

  it('share one ConstraintTemplate, named after the upstream kind, and get one Constraint each', () => {
    expect(templates.map((f) => f.path)).toEqual(['gatekeeper/templates/k8spspseccomp.yaml']);
    const template = parse(templates[0]!.content) as { metadata: { name: string }; spec: { crd: { spec: { names: { kind: string } } } } };
    expect(template.metadata.name).toBe('k8spspseccomp');
    expect(template.spec.crd.spec.names.kind).toBe('K8sPSPSeccomp');
    // Nothing of either instance is in the shared template.
    expect(templates[0]!.content).not.toMatch(/seccomp-strict|seccomp-local|enforcementAction: (deny|warn)/);
    expect(constraints.map((f) => f.path).sort()).toEqual(['gatekeeper/constraints/seccomp-local.yaml', 'gatekeeper/constraints/seccomp-strict.yaml']);
    const byName = Object.fromEntries(
      constraints.map((f) => {
        const c = parse(f.content) as { kind: string; metadata: { name: string }; spec: { enforcementAction: string; parameters: unknown } };
        return [c.metadata.name, { kind: c.kind, action: c.spec.enforcementAction, parameters: c.spec.parameters }];
      }),
    );
    expect(byName).toEqual({
      'seccomp-strict': { kind: 'K8sPSPSeccomp', action: 'deny', parameters: { allowedProfiles: ['runtime/default'] } },
      'seccomp-local': { kind: 'K8sPSPSeccomp', action: 'warn', parameters: { allowedProfiles: ['runtime/default', 'localhost/profile.json'] } },
    });
    const entries = result.manifest.policies.map((p) => (p.gatekeeper as { template: { file: string } }).template.file);
    expect(entries).toEqual(['gatekeeper/templates/k8spspseccomp.yaml', 'gatekeeper/templates/k8spspseccomp.yaml']);
    expect(Object.keys(result.manifest.sha256 ?? {}).filter((p) => p.includes('k8spspseccomp'))).toEqual(['gatekeeper/templates/k8spspseccomp.yaml']);
  });

  it('every engine decides each Constraint with its own parameters', async () => {
    const { adapters, notRun } = await loadAdapters(loadBuildFromResult(result), ENGINE_IDS);
    expect(notRun).toEqual([]);
    for (const adapter of adapters) {
      const decisions = Object.fromEntries(adapter.evaluate(localhostPod('profile.json'), { operation: 'CREATE' }).map((d) => [d.policy, d.outcome]));
      expect({ engine: adapter.id, decisions }).toEqual({ engine: adapter.id, decisions: { 'seccomp-strict': 'violated', 'seccomp-local': 'satisfied' } });
      const other = Object.fromEntries(adapter.evaluate(localhostPod('other.json'), { operation: 'CREATE' }).map((d) => [d.policy, d.outcome]));
      expect({ engine: adapter.id, other }).toEqual({ engine: adapter.id, other: { 'seccomp-strict': 'violated', 'seccomp-local': 'violated' } });
    }
  }, 120_000);

  it('refuses two policies that define one constraint kind differently, naming both', () => {
    const def = (name: string, equals: boolean) =>
      definePolicy({
        name,
        title: 'Privileged',
        constraintKind: 'K8sExamplePrivileged',
        rules: [{ id: 'privileged', message: 'privileged', require: container('privileged').optional.equals(equals) }],
      }).ir;
    const build = () => buildPolicies([def('a', false), def('b', true)]);
    expect(build).toThrow(PolicyCompileError);
    expect(build).toThrow(
      /policy "b" \(.*\) and policy "a" \(.*\) both define the ConstraintTemplate gatekeeper\/templates\/k8sexampleprivileged\.yaml for constraint kind K8sExamplePrivileged, differently\. Fix: make them instances of one template/,
    );
  });
});

describe('parameter values a template does not declare fail the build loudly', () => {
  it('names the module, the Constraint path and the fix', async () => {
    const dir = scratchDir('psp-bad-values');
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies', 'caps.ts'),
      [
        "import { pspPolicy } from '@podsec/psp-library';",
        'export default pspPolicy(',
        "  { kind: 'K8sPSPCapabilities', metadata: { name: 'caps' }, spec: { parameters: { allowedCapabilities: ['CHOWN'], requiredDropCapabilitie: ['ALL'] } } },",
        "  'constraints/caps.yaml',",
        ');',
        '',
      ].join('\n'),
    );
    const r = await podsec(['build', 'policies', '--out', 'out', '--no-typecheck'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policies/caps.ts: the policy module failed to load');
    expect(r.stderr).toContain(
      'constraints/caps.yaml: spec.parameters.requiredDropCapabilitie: not a parameter of K8sPSPCapabilities. Fix: did you mean "requiredDropCapabilities"?',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPProcMount\nmetadata: {name: pm}\nspec:\n  parameters:\n    procMount: unmasked\n',
    );
    const imported = await podsec(['import', 'gatekeeper', 'bad.yaml', '--out', 'out.ts'], dir);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/^podsec: bad\.yaml: spec\.parameters\.procMount: "unmasked" is not allowed\. Fix: did you mean "Unmasked"\?/);
    expect(() => readFileSync(join(dir, 'out.ts'))).toThrow();
  }, 120_000);
});
