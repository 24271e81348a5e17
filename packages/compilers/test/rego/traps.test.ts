/**
 * The cross-engine traps of shared/docs/semantics.md, one hand-built object each, run through
 * the compiled Rego with opa-wasm. Expectations come from evaluatePolicy (the reference), and
 * each case first checks that the reference really flags the trap, so none passes vacuously.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { compileRego, loadRegoPolicy } from '@podsec/rego';
import { generatedNames } from '../../src/shared/names.js';
import { compileRegoModule, gatekeeperInput } from '../../src/rego/index.js';
import { regoFixtures } from './fixtures.js';

type Obj = Record<string, unknown>;

const fixture = (file: string) => regoFixtures().find((f) => f.file === file)!.ir;
const pod = (spec: Obj, extra: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a', labels: { app: 'demo' }, ...extra },
  spec,
});
const c = (securityContext: Obj, extra: Obj = {}): Obj => ({ name: 'c', image: 'nginx', securityContext, ...extra });

interface Trap {
  trap: string;
  policy: string;
  object: Obj;
  /** The rule the reference must report for this object. */
  rule: string;
  ctx?: AdmissionContext;
}

const TRAPS: Trap[] = [
  {
    trap: "a container's runAsNonRoot: false wins over the Pod's true",
    policy: 'rego-run-as-non-root.json',
    object: pod({ securityContext: { runAsNonRoot: true }, containers: [c({}), c({ runAsNonRoot: false })] }),
    rule: 'run-as-non-root',
  },
  {
    trap: 'runAsNonRoot unset is not the same as false, and both fail when required',
    policy: 'rego-run-as-non-root.json',
    object: pod({ containers: [c({ runAsUser: 1000 })] }),
    rule: 'run-as-non-root',
  },
  {
    trap: 'ephemeral containers are checked (kubectl debug)',
    policy: 'rego-host-and-volumes.json',
    object: pod({ containers: [c({})], ephemeralContainers: [c({ privileged: true })] }),
    rule: 'privileged',
    ctx: { namespaceLabels: { env: 'prod', tier: 'web', team: 't' } },
  },
  {
    trap: 'init containers are checked',
    policy: 'rego-capabilities.json',
    object: pod({ containers: [c({ capabilities: { drop: ['ALL'] } })], initContainers: [c({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })] }),
    rule: 'no-sys-admin',
  },
  {
    trap: 'capability deny-lists normalise case and the CAP_ prefix',
    policy: 'rego-capabilities.json',
    object: pod({ containers: [c({ capabilities: { drop: ['ALL'], add: ['cap_net_raw'] } })] }),
    rule: 'no-sys-admin',
  },
  {
    trap: 'drop: [ALL] is list membership, not equality with [ALL]',
    policy: 'rego-capabilities.json',
    object: pod({ containers: [c({ capabilities: { drop: ['NET_RAW'] } }), c({ capabilities: { drop: ['NET_RAW', 'ALL'] } })] }),
    rule: 'drop-all',
  },
  {
    trap: 'a CronJob keeps its Pod template under spec.jobTemplate.spec.template',
    policy: 'rego-capabilities.json',
    object: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj', namespace: 'team-a', labels: { app: 'demo' } },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [c({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })] } } } },
      },
    },
    rule: 'no-sys-admin',
  },
  {
    trap: 'a Deployment keeps its Pod template under spec.template',
    policy: 'rego-run-as-non-root.json',
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: { template: { spec: { containers: [c({ runAsNonRoot: false })] } } },
    },
    rule: 'run-as-non-root',
  },
  {
    trap: 'a controller without a template still fails required Pod-level fields',
    policy: 'rego-tricky.json',
    object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', labels: { b: '' } }, spec: {} },
    rule: 'a-require-1',
  },
  {
    trap: 'the legacy AppArmor annotation is checked as well as the field',
    policy: 'rego-host-and-volumes.json',
    object: pod({ containers: [c({})] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }),
    rule: 'apparmor-annotations',
    ctx: { namespaceLabels: { env: 'prod', tier: 'web', team: 't' } },
  },
];

describe('semantics.md traps through the compiled Rego (opa-wasm)', () => {
  const evaluators = new Map<string, (input: unknown) => { details: { rule: string } }[]>();

  beforeAll(async () => {
    for (const file of new Set(TRAPS.map((t) => t.policy))) {
      const ir: PolicyIR = fixture(file);
      const names = generatedNames(ir);
      const compiled = compileRego([{ path: `rego/${ir.name}.rego`, text: compileRegoModule(ir, names) }], { entrypoints: [names.regoEntrypoint] });
      const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
      evaluators.set(file, (input) => policy.evaluate(input, names.regoEntrypoint)[0]!.result as { details: { rule: string } }[]);
    }
  }, 300_000);

  for (const t of TRAPS) {
    it(t.trap, () => {
      const ir = fixture(t.policy);
      const ctx: AdmissionContext = { operation: 'CREATE', ...t.ctx };
      const verdict = evaluatePolicy(ir, t.object, ctx);
      const want = verdict.applies ? verdict.violations.map((v) => v.rule).sort() : [];
      expect(want).toContain(t.rule);
      const got = evaluators.get(t.policy)!(gatekeeperInput(t.object, ctx))
        .map((v) => v.details.rule)
        .sort();
      expect(got).toEqual(want);
    });
  }
});
