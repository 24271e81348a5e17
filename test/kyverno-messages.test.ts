import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import { all, container, containerAnnotation, containerName, definePolicy, perContainer, pod, podAnnotation } from '@podsec/dsl';
import type { PolicyIR } from '@podsec/ir';
import {
  buildArbitrary,
  generatedFixtures,
  loadAdapters,
  loadBuildFromResult,
  psaFixtures,
  randomFixtures,
  referenceDecision,
  type EngineAdapter,
  type Fixture,
} from '@podsec/verify';
import pss from '../policies/pss/index.js';
import { sharedDir } from './support/shared.js';

// Issue 16's message contract for the ClusterPolicy: for every violated rule, the message Kyverno
// shows (the rule's substituted validate.message, its foreach/pattern wrapper removed as the
// adapter does) is exactly the reference's violationMessage — offending containers named in PSA's
// order — under both controller modes, for Pods and every controller kind.

const irs: PolicyIR[] = pss.map((p) => p.ir);
const byName = new Map(irs.map((ir) => [ir.name, ir]));

let fixtures: Fixture[];
const adapters: Record<'autogen' | 'explicit', EngineAdapter | undefined> = { autogen: undefined, explicit: undefined };

beforeAll(async () => {
  for (const mode of ['autogen', 'explicit'] as const) {
    const build = loadBuildFromResult(buildPolicies(irs, { kyvernoControllers: mode }));
    adapters[mode] = (await loadAdapters(build, ['kyverno'])).adapters[0];
    if (mode === 'autogen') {
      fixtures = [
        ...generatedFixtures(irs),
        ...psaFixtures(sharedDir('conformance', 'psa'), build.manifest).fixtures,
        ...randomFixtures(buildArbitrary(irs), 300, 16),
      ];
    }
  }
}, 300_000);

function mismatches(adapter: EngineAdapter): string[] {
  const out: string[] = [];
  for (const f of fixtures) {
    for (const d of adapter.evaluate(f.object, f.ctx ?? {}, f.policies)) {
      const ir = byName.get(d.policy)!;
      const expected = referenceDecision(ir, f.object, f.ctx ?? {}).violations.map((v) => `${v.rule}: ${v.message}`);
      const got = d.violations.map((v) => `${v.rule}: ${v.message}`);
      if (JSON.stringify(got) !== JSON.stringify(expected)) out.push(`${d.policy} ${f.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
    }
  }
  return out;
}

describe('ClusterPolicy messages equal the reference violationMessage', () => {
  it('turns message comparison on for the kyverno adapter', () => {
    expect(adapters.autogen?.comparesMessages).toBe(true);
  });

  it('covers violations that name one and several containers', () => {
    const names = fixtures.flatMap((f) => irs.flatMap((ir) => referenceDecision(ir, f.object, f.ctx ?? {}).violations.map((v) => v.message)));
    expect(names.some((m) => /\(container "[^"]*" /.test(m))).toBe(true);
    expect(names.some((m) => /\(containers "[^"]*", "/.test(m))).toBe(true);
  });

  it.each(['autogen', 'explicit'] as const)('with %s controller rules', (mode) => {
    expect(mismatches(adapters[mode]!).slice(0, 10)).toEqual([]);
  });
});

// Issue 12's containerMessage: one text per offending container (text, its name, string fields of
// the container and the pod, annotations, the annotation keyed by its name), joined by '; ', or
// the rule's message for a pod-level fault. Unset and non-string values read as ''.
const seccompText = perContainer`Seccomp profile '${container('seccompProfile.type')}' is not allowed for container '${containerName}' (pod '${pod('seccompProfile.type')}', legacy '${containerAnnotation('container.seccomp.security.alpha.kubernetes.io/')}', pod legacy '${podAnnotation('seccomp.security.alpha.kubernetes.io/pod')}'). Found at: container securityContext.`;
const containerMessagePolicies = [
  definePolicy({
    name: 'cm-seccomp',
    title: 'cm seccomp',
    exemptImages: ['registry.example/exempt*'],
    rules: [
      {
        id: 'seccomp',
        message: 'Seccomp profile is not allowed',
        containerMessage: seccompText,
        require: container('seccompProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      },
    ],
  }),
  definePolicy({
    name: 'cm-read-only-root',
    title: 'cm read-only root filesystem',
    rules: [
      {
        id: 'read-only-root',
        message: 'only read-only root filesystem container is allowed',
        containerMessage: perContainer`only read-only root filesystem container is allowed: ${containerName}`,
        require: container('readOnlyRootFilesystem').equals(true),
      },
    ],
  }),
  definePolicy({
    name: 'cm-pod-fault',
    title: 'cm pod-level fault',
    rules: [
      {
        id: 'host-and-privileged',
        // A hostNetwork Pod fails with no container looked at: the message alone, no container named.
        message: 'host network or a privileged container {{ is not allowed }} \\',
        containerMessage: perContainer`${containerName} {{ x }} (os ${pod('os.name')}, image ${container('image')}): privileged; `,
        require: all(pod('hostNetwork').optional.equals(false), container('privileged').optional.equals(false)),
      },
    ],
  }),
];
const cmIrs: PolicyIR[] = containerMessagePolicies.map((p) => p.ir);
const cmByName = new Map(cmIrs.map((ir) => [ir.name, ir]));

const ann = 'container.seccomp.security.alpha.kubernetes.io/';
const handMade = (name: string, object: unknown): Fixture => ({ name, group: 'semantics', object });
const podWith = (spec: Record<string, unknown>, annotations?: unknown) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...(annotations === undefined ? {} : { annotations }) },
  spec,
});
const unconfined = { seccompProfile: { type: 'Unconfined' } };
const cmHandMade: Fixture[] = [
  handMade(
    'all three container kinds, annotations set',
    podWith(
      {
        securityContext: { seccompProfile: { type: 'Unconfined' } },
        os: { name: 'l{{1}}nux' },
        containers: [
          { name: 'nginx', image: 'nginx', securityContext: unconfined },
          { name: 'ok', image: 'nginx', securityContext: { seccompProfile: { type: 'RuntimeDefault' }, readOnlyRootFilesystem: true } },
          { name: 'exempt', image: 'registry.example/exempt:1', securityContext: unconfined },
        ],
        initContainers: [{ name: 'init', image: 'busybox', securityContext: { seccompProfile: { type: 'Foo; "x"' }, privileged: true } }],
        ephemeralContainers: [{ name: 'debug', image: 'busybox', securityContext: unconfined }],
      },
      { [`${ann}nginx`]: 'unconfined', [`${ann}debug`]: 7, 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
    ),
  ),
  handMade(
    'non-string values and names, annotations not a map',
    podWith(
      {
        os: { name: 5 },
        containers: [
          { name: 7, image: 'x', securityContext: { seccompProfile: { type: 12 } } },
          { name: 'constructor', image: 'x', securityContext: { seccompProfile: { type: '' }, privileged: true } },
        ],
      },
      'not-a-map',
    ),
  ),
  handMade(
    'unset values',
    podWith(
      {
        containers: [
          { name: 'a', image: 'x', securityContext: { seccompProfile: { type: 'Unconfined' } } },
          { name: 'b', image: 'x' },
        ],
      },
      {},
    ),
  ),
  handMade('pod-level fault', podWith({ hostNetwork: true, containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] })),
  handMade('a Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: {
      template: {
        metadata: { annotations: { [`${ann}web`]: 'localhost/x' } },
        spec: {
          os: { name: 'linux' },
          containers: [{ name: 'web', image: 'x', securityContext: { seccompProfile: { type: 'Unconfined' }, privileged: true } }],
        },
      },
    },
  }),
];

describe('ClusterPolicy containerMessage equals the reference violationMessage', () => {
  const cmAdapters: Record<'autogen' | 'explicit', EngineAdapter | undefined> = { autogen: undefined, explicit: undefined };
  let cmFixtures: Fixture[];

  beforeAll(async () => {
    for (const mode of ['autogen', 'explicit'] as const) {
      const result = buildPolicies(cmIrs, { kyvernoControllers: mode });
      cmAdapters[mode] = (await loadAdapters(loadBuildFromResult(result), ['kyverno'])).adapters[0];
    }
    cmFixtures = [...cmHandMade, ...generatedFixtures(cmIrs), ...randomFixtures(buildArbitrary(cmIrs), 300, 12)];
  }, 300_000);

  it('is written with autogen (the Pod rule rewritten by Kyverno is the controllers rule podsec writes)', () => {
    const result = buildPolicies(cmIrs, { kyvernoControllers: 'autogen' });
    expect(result.manifest.policies.map((p) => [p.name, (p.kyverno as { controllers?: string } | undefined)?.controllers]).sort()).toEqual(
      cmIrs.map((ir) => [ir.name, 'autogen']).sort(),
    );
  });

  it('covers one and several containers, pod-level faults and empty values', () => {
    const messages = cmFixtures.flatMap((f) => cmIrs.flatMap((ir) => referenceDecision(ir, f.object, f.ctx ?? {}).violations.map((v) => v.message)));
    expect(messages).toContain(
      "Seccomp profile 'Foo; \"x\"' is not allowed for container 'init' (pod 'Unconfined', legacy '', pod legacy 'runtime/default'). Found at: container securityContext.; " +
        "Seccomp profile 'Unconfined' is not allowed for container 'nginx' (pod 'Unconfined', legacy 'unconfined', pod legacy 'runtime/default'). Found at: container securityContext.; " +
        "Seccomp profile 'Unconfined' is not allowed for container 'debug' (pod 'Unconfined', legacy '', pod legacy 'runtime/default'). Found at: container securityContext.",
    );
    expect(messages).toContain('host network or a privileged container {{ is not allowed }} \\');
    expect(messages.some((m) => m.startsWith("Seccomp profile '' is not allowed for container '' (pod '', legacy ''"))).toBe(true);
  });

  it.each(['autogen', 'explicit'] as const)('with %s controller rules', (mode) => {
    const out: string[] = [];
    for (const f of cmFixtures) {
      for (const d of cmAdapters[mode]!.evaluate(f.object, f.ctx ?? {}, f.policies)) {
        const expected = referenceDecision(cmByName.get(d.policy)!, f.object, f.ctx ?? {}).violations.map((v) => `${v.rule}: ${v.message}`);
        const got = d.violations.map((v) => `${v.rule}: ${v.message}`);
        if (JSON.stringify(got) !== JSON.stringify(expected)) out.push(`${d.policy} ${f.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
      }
    }
    expect(out.slice(0, 10)).toEqual([]);
  });
});
