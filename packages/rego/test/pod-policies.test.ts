// Realistic Gatekeeper-style Pod-security policies, in Rego v1 and v0 syntax, run through the SDK
// and checked against independent TypeScript oracles over generated Pods (fast-check).
import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RegoPolicy } from '../src/index.js';
import { ensureRuntime, policyOf, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const FIELDS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** v1 syntax; the container's own setting wins over the pod-level one (object.get with a default). */
const RUN_AS_NON_ROOT_V1 = `package k8s.runasnonroot

import future.keywords.contains
import future.keywords.if
import future.keywords.in

violation contains {"msg": msg} if {
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(input.review.object.spec, field, [])
	pod_level := object.get(object.get(input.review.object.spec, "securityContext", {}), "runAsNonRoot", null)
	effective := object.get(object.get(c, "securityContext", {}), "runAsNonRoot", pod_level)
	effective != true
	msg := sprintf("%s %s: runAsNonRoot must be true", [field, c.name])
}
`;

/** v0 (Gatekeeper library) syntax with parameters, set arithmetic and iteration inside a call. */
const CAPABILITIES_V0 = `package k8scapabilities

violation[{"msg": msg, "details": {"container": c.name}}] {
	c := input_containers[_]
	has_disallowed(c)
	msg := sprintf("container <%v> adds a capability outside %v", [c.name, concat(",", input.parameters.allowedCapabilities)])
}

violation[{"msg": msg, "details": {"container": c.name}}] {
	c := input_containers[_]
	not drops_all(c)
	msg := sprintf("container <%v> must drop ALL capabilities", [c.name])
}

has_disallowed(c) {
	allowed := {x | x := input.parameters.allowedCapabilities[_]}
	added := {x | x := c.securityContext.capabilities.add[_]}
	count(added - allowed) > 0
}

drops_all(c) {
	upper(c.securityContext.capabilities.drop[_]) == "ALL"
}

input_containers[c] {
	c := input.review.object.spec.containers[_]
}

input_containers[c] {
	c := input.review.object.spec.initContainers[_]
}

input_containers[c] {
	c := input.review.object.spec.ephemeralContainers[_]
}
`;

interface Container {
  name: string;
  securityContext?: { runAsNonRoot?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
}
type Pod = { kind: 'Pod'; spec: Partial<Record<(typeof FIELDS)[number], Container[]>> & { securityContext?: { runAsNonRoot?: boolean } } };

const container = fc.record(
  {
    name: fc.constantFrom('app', 'sidecar', 'init', 'débug-😀'),
    securityContext: fc.record(
      {
        runAsNonRoot: fc.boolean(),
        capabilities: fc.record({ add: fc.subarray(['NET_ADMIN', 'SYS_TIME', 'CHOWN']), drop: fc.subarray(['ALL', 'all', 'NET_RAW']) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name'] },
) as fc.Arbitrary<Container>;

const pod: fc.Arbitrary<Pod> = fc
  .record(
    {
      containers: fc.array(container, { maxLength: 3 }),
      initContainers: fc.array(container, { maxLength: 2 }),
      ephemeralContainers: fc.array(container, { maxLength: 2 }),
      securityContext: fc.record({ runAsNonRoot: fc.boolean() }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  )
  .map((spec) => ({ kind: 'Pod' as const, spec }));

const review = (p: Pod, parameters: unknown = {}) => ({ review: { object: p, kind: { group: '', version: 'v1', kind: 'Pod' } }, parameters });

function runAsNonRootOracle(p: Pod): string[] {
  const out = new Set<string>();
  for (const field of FIELDS) {
    for (const c of p.spec[field] ?? []) {
      const sc = c.securityContext ?? {};
      const effective = 'runAsNonRoot' in sc ? sc.runAsNonRoot : (p.spec.securityContext?.runAsNonRoot ?? null);
      if (effective !== true) out.add(`${field} ${c.name}: runAsNonRoot must be true`);
    }
  }
  return [...out].sort();
}

function capabilitiesOracle(p: Pod, allowed: string[]): string[] {
  const out = new Set<string>();
  for (const field of FIELDS) {
    for (const c of p.spec[field] ?? []) {
      const caps = c.securityContext?.capabilities ?? {};
      if ((caps.add ?? []).some((a) => !allowed.includes(a))) out.add(`container <${c.name}> adds a capability outside ${allowed.join(',')}`);
      if (!(caps.drop ?? []).some((d) => d.toUpperCase() === 'ALL')) out.add(`container <${c.name}> must drop ALL capabilities`);
    }
  }
  return [...out].sort();
}

function messages(policy: RegoPolicy, entrypoint: string, input: unknown): string[] {
  const rs = policy.evaluate(input, entrypoint);
  expect(rs).toHaveLength(1);
  const set = rs[0]!.result as { msg: string }[];
  return [...new Set(set.map((v) => v.msg))].sort();
}

const reversed = (p: Pod): Pod => ({
  kind: 'Pod',
  spec: { ...p.spec, ...Object.fromEntries(FIELDS.filter((f) => p.spec[f]).map((f) => [f, [...p.spec[f]!].reverse()])) },
});

describe('run-as-non-root (Rego v1, container-over-pod precedence)', () => {
  const entry = 'k8s/runasnonroot/violation';

  it('covers every container list, absent securityContext and pod-level fallback', async () => {
    const p = await policyOf(RUN_AS_NON_ROOT_V1, [entry]);
    const sample: Pod = {
      kind: 'Pod',
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'inherits' }, { name: 'overrides', securityContext: { runAsNonRoot: false } }],
        initContainers: [{ name: 'init', securityContext: {} }],
        ephemeralContainers: [{ name: 'dbg', securityContext: { runAsNonRoot: false } }],
      },
    };
    expect(messages(p, entry, review(sample))).toEqual([
      'containers overrides: runAsNonRoot must be true',
      'ephemeralContainers dbg: runAsNonRoot must be true',
    ]);
    expect(messages(p, entry, review({ kind: 'Pod', spec: { containers: [{ name: 'bare' }] } }))).toEqual(['containers bare: runAsNonRoot must be true']);
    expect(messages(p, entry, review({ kind: 'Pod', spec: {} }))).toEqual([]);
  });

  it('agrees with the TypeScript oracle on generated Pods, whatever the container order', async () => {
    const p = await policyOf(RUN_AS_NON_ROOT_V1, [entry]);
    fc.assert(
      fc.property(pod, (x) => {
        const got = messages(p, entry, review(x));
        expect(got).toEqual(runAsNonRootOracle(x));
        expect(messages(p, entry, review(reversed(x)))).toEqual(got);
      }),
      { numRuns: 300 },
    );
  });
});

describe('capabilities (Gatekeeper v0 syntax with parameters)', () => {
  const entry = 'k8scapabilities/violation';
  const allowed = ['CHOWN'];

  it('flags added capabilities outside the allowed list and a missing drop ALL', async () => {
    const p = await policyOf(CAPABILITIES_V0, [entry]);
    const sample: Pod = {
      kind: 'Pod',
      spec: {
        containers: [
          { name: 'ok', securityContext: { capabilities: { add: ['CHOWN'], drop: ['all'] } } },
          { name: 'bad', securityContext: { capabilities: { add: ['NET_ADMIN'] } } },
        ],
        initContainers: [{ name: 'init' }],
      },
    };
    expect(messages(p, entry, review(sample, { allowedCapabilities: allowed }))).toEqual([
      'container <bad> adds a capability outside CHOWN',
      'container <bad> must drop ALL capabilities',
      'container <init> must drop ALL capabilities',
    ]);
  });

  it('agrees with the TypeScript oracle on generated Pods', async () => {
    const p = await policyOf(CAPABILITIES_V0, [entry]);
    fc.assert(
      fc.property(pod, (x) => {
        expect(messages(p, entry, review(x, { allowedCapabilities: allowed }))).toEqual(capabilitiesOracle(x, allowed));
      }),
      { numRuns: 300 },
    );
  });
});

/** The shape podsec's own Rego emitter produces (packages/compilers), with workload kinds and else. */
const EMITTED_SHAPE = `package podsec.require_run_as_non_root

import future.keywords.contains
import future.keywords.if
import future.keywords.in

pod_spec := input.review.object.spec if input.review.object.kind == "Pod"
pod_spec := input.review.object.spec.template.spec if input.review.object.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
pod_spec := input.review.object.spec.jobTemplate.spec.template.spec if input.review.object.kind == "CronJob"

containers contains {"kind": kind, "c": c} if {
	some kind in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(pod_spec, kind, [])
}

effective(c, field) := v if { v := c.securityContext[field] } else := v if { v := pod_spec.securityContext[field] }

violation contains {"msg": msg, "details": {"rule": "run-as-non-root"}} if {
	some entry in containers
	not effective(entry.c, "runAsNonRoot") == true
	msg := sprintf("container %s must set runAsNonRoot", [entry.c.name])
}
`;

describe('the Rego shape podsec emits', () => {
  const entry = 'podsec/require_run_as_non_root/violation';
  const spec = { securityContext: { runAsNonRoot: true }, containers: [{ name: 'inherits' }, { name: 'off', securityContext: { runAsNonRoot: false } }] };

  it.each([
    ['Pod', { kind: 'Pod', spec }],
    ['Deployment', { kind: 'Deployment', spec: { template: { spec } } }],
    ['CronJob', { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec } } } } }],
  ])('finds the pod spec of a %s and applies container-over-pod precedence', async (_kind, object) => {
    const p = await policyOf(EMITTED_SHAPE, [entry]);
    expect(p.evaluate({ review: { object } }, entry)).toEqual([
      { result: [{ details: { rule: 'run-as-non-root' }, msg: 'container off must set runAsNonRoot' }] },
    ]);
  });

  it('an unknown kind has no pod spec and so no violations', async () => {
    const p = await policyOf(EMITTED_SHAPE, [entry]);
    expect(p.evaluate({ review: { object: { kind: 'Service', spec } } }, entry)).toEqual([{ result: [] }]);
  });
});
