import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import { container, definePolicy } from '@podsec/dsl';
import { evaluatePolicy, SERVED_POD_API_VERSIONS, type PodKind } from '@podsec/ir';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult, referenceDecision, wrapTemplate, type EngineAdapter, type LoadedBuild } from '@podsec/verify';

// podsec's apiVersion rule on raw manifests, as `kyverno apply`, `gator test`, `opa eval` and the
// apiserver see them: only the version the API server serves for a kind is reviewed. Each object
// below carries a privileged container, so an engine that reviews it denies it.

const policy = definePolicy({
  name: 'no-privileged',
  title: 'No privileged containers',
  rules: [{ id: 'privileged', message: 'no privileged containers', require: container('privileged').optional.equals(false) }],
});

const privileged = { spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } };
const at = (kind: PodKind, apiVersion: string) => ({ ...wrapTemplate(kind, structuredClone(privileged)), apiVersion });

/** [kind, apiVersion, reviewed] */
const CASES: readonly (readonly [PodKind, string, boolean])[] = [
  ['Deployment', 'extensions/v1beta1', false],
  ['Deployment', 'apps/v1beta2', false],
  ['CronJob', 'batch/v1beta1', false],
  ['Pod', 'apps/v1', false],
  ['Pod', 'v2', false],
  ['ReplicationController', 'apps/v1', false],
  ['Deployment', 'apps/v1', true],
  ['CronJob', 'batch/v1', true],
  ['Pod', 'v1', true],
  ['ReplicationController', 'v1', true],
];

let build: LoadedBuild;
let adapters: EngineAdapter[];
beforeAll(async () => {
  build = loadBuildFromResult(buildPolicies([policy.ir]));
  ({ adapters } = await loadAdapters(build, ENGINE_IDS));
}, 120_000);

describe('the apiVersion rule on raw manifests', () => {
  it('is one table: the served version of every Pod kind', () => {
    expect(SERVED_POD_API_VERSIONS).toEqual({
      Pod: 'v1',
      Deployment: 'apps/v1',
      StatefulSet: 'apps/v1',
      DaemonSet: 'apps/v1',
      ReplicaSet: 'apps/v1',
      ReplicationController: 'v1',
      Job: 'batch/v1',
      CronJob: 'batch/v1',
    });
  });

  it('runs all five engines', () => {
    expect(adapters.map((a) => a.id).sort()).toEqual([...ENGINE_IDS].sort());
  });

  it.each(CASES.map(([kind, apiVersion, reviewed]) => [`${apiVersion} ${kind}`, kind, apiVersion, reviewed] as const))(
    '%s: every engine and the reference decide alike',
    (_name, kind, apiVersion, reviewed) => {
      const object = at(kind, apiVersion);
      const reference = evaluatePolicy(policy.ir, object);
      expect(reference).toEqual(
        reviewed
          ? { applies: true, violated: true, violations: [{ rule: 'privileged', message: 'no privileged containers' }] }
          : { applies: false, reason: 'apiVersion not served' },
      );
      expect(referenceDecision(policy.ir, object, {}).action).toBe(reviewed ? 'deny' : 'skip');
      const decisions = Object.fromEntries(
        adapters.map((a) => {
          const [d] = a.evaluate(object, {});
          return [a.id, { outcome: d!.outcome, admitted: d!.action === 'skip' || d!.action === 'allow' }];
        }),
      );
      const expected = reviewed ? { outcome: 'violated', admitted: false } : { outcome: 'satisfied', admitted: true };
      expect(decisions).toEqual(Object.fromEntries(ENGINE_IDS.map((id) => [id, expected])));
    },
  );

  it('says why each engine stood aside from a v1beta2 Deployment', () => {
    const object = at('Deployment', 'apps/v1beta2');
    const why = Object.fromEntries(adapters.map((a) => [a.id, a.evaluate(object, {})[0]!.skipReason ?? a.evaluate(object, {})[0]!.action]));
    expect(why).toEqual({
      // Plain Rego has no match: its `applies` refuses the version (served_api_versions).
      rego: 'allow',
      // The Constraint matches group apps and kind Deployment (it has no version); the template's Rego refuses it.
      gatekeeper: 'allow',
      kyverno: 'no rule matched (spec.rules[*].match/exclude)',
      vpol: 'spec.matchConstraints not matched',
      vap: 'apps/v1beta2 Deployment is not served by the API server, so the request never reaches admission',
    });
  });
});
