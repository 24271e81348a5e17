/**
 * The seed controls (policies/seed) under the IR's reference semantics, on the seed documents'
 * example Pods (test/fixtures/seed-pods, each citing its seed) and on hand-made edge cases: no
 * securityContext, init and ephemeral containers, a container overriding the pod, and the same Pod
 * wrapped in a Deployment and a CronJob (the verdict must not change with the wrapper).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Policy } from '@podsec/dsl';
import { evaluatePolicy } from '@podsec/ir';
import recommendOnRootMismatch from '../../policies/seed/recommend-fsgroup-on-root-mismatch.js';
import requireFsGroupRange from '../../policies/seed/require-fsgroup-range.js';
import requireReadOnlyRoot from '../../policies/seed/require-read-only-root-filesystem.js';
import requireRunAsGroup from '../../policies/seed/require-run-as-group-non-root.js';
import requireStrictGroups from '../../policies/seed/require-supplemental-groups-strict.js';
import restrictLocalhostProfiles from '../../policies/seed/restrict-localhost-profiles.js';
import restrictProcMount from '../../policies/seed/restrict-proc-mount-unmasked.js';
import restrictSeLinux from '../../policies/seed/restrict-selinux-options.js';
import { wrapTemplate } from '../support/pods.js';
import { repoRoot } from '../support/shared.js';

type Obj = Record<string, unknown>;
const SEED_PODS = join(repoRoot, 'test', 'fixtures', 'seed-pods');
const seedPod = (name: string): Obj => parse(readFileSync(join(SEED_PODS, `${name}.yaml`), 'utf8')) as Obj;

/** The rule ids a policy reports for an object, or 'n/a' when it does not apply. */
function verdict(policy: Policy, object: Obj): string[] | 'n/a' {
  const v = evaluatePolicy(policy.ir, object);
  return v.applies ? v.violations.map((x) => x.rule) : 'n/a';
}

/** A Pod with the given spec; every object is also checked wrapped in a Deployment and a CronJob. */
const podWith = (spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec });
const c = (securityContext?: Obj, name = 'app'): Obj => ({ name, image: 'busybox:1.28', ...(securityContext ? { securityContext } : {}) });

function expectEverywhere(policy: Policy, pod: Obj, rules: string[]): void {
  const template = { metadata: pod.metadata, spec: pod.spec };
  for (const object of [pod, wrapTemplate('Deployment', template as Obj), wrapTemplate('CronJob', template as Obj)])
    expect([object.kind, verdict(policy, object)]).toEqual([object.kind, rules]);
}

describe('the seed example Pods', () => {
  const files = readdirSync(SEED_PODS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();

  it('are the nine seed examples', () => expect(files).toHaveLength(9));

  // Expected rule ids per Pod, from what each seed says the example does (see the header of each file).
  const EXPECT: Record<string, Record<string, string[]>> = {
    // pod runAsGroup 3000, fsGroup 2000, OnRootMismatch; container sets no readOnlyRootFilesystem.
    'fsgroup-on-root-mismatch': { group: [], fsGroup: [], onRootMismatch: [], readOnly: ['read-only-root-filesystem'] },
    // hostUsers: false makes Unmasked acceptable (seed 003 procMount); no group, no fsGroup.
    'proc-mount-unmasked': { group: ['run-as-group'], fsGroup: ['fsgroup-range'], onRootMismatch: [], procMount: [] },
    // RuntimeDefault seccomp, the allowed Localhost AppArmor profile, an MCS level pair.
    'seccomp-apparmor-selinux': { localhost: [], selinux: [], group: ['run-as-group'] },
    // runAsUser only: the primary group is root (seed 000: "omitted … root(0)").
    'security-context-demo-2': { group: ['run-as-group'], fsGroup: ['fsgroup-range'] },
    'security-context-demo-3': {
      group: ['run-as-group'],
      fsGroup: ['fsgroup-range'],
      readOnly: ['read-only-root-filesystem'],
      strict: ['supplemental-groups-strict'],
    },
    'security-context-demo-4': { group: ['run-as-group'], procMount: [], selinux: [] },
    // Merge (absent) lets image groups in; Strict does not (seed 002).
    'security-context-demo-5': { group: [], strict: ['supplemental-groups-strict'], fsGroup: ['fsgroup-range'] },
    'security-context-demo-6': { group: [], strict: [] },
    // fsGroup 2000 without fsGroupChangePolicy: Always, so the warn-mode recommendation fires.
    'security-context-demo': { group: [], fsGroup: [], onRootMismatch: ['fsgroup-change-policy'], readOnly: ['read-only-root-filesystem'] },
  };
  const POLICY: Record<string, Policy> = {
    group: requireRunAsGroup,
    fsGroup: requireFsGroupRange,
    onRootMismatch: recommendOnRootMismatch,
    procMount: restrictProcMount,
    localhost: restrictLocalhostProfiles,
    selinux: restrictSeLinux,
    readOnly: requireReadOnlyRoot,
    strict: requireStrictGroups,
  };
  const cases = Object.entries(EXPECT).flatMap(([file, byPolicy]) => Object.entries(byPolicy).map(([key, rules]) => [file, key, rules] as const));
  it.each(cases)('%s: %s → %j', (file, key, rules) => expectEverywhere(POLICY[key]!, seedPod(file), [...rules]));
});

describe('runAsGroup set and non-zero (effective, every container)', () => {
  it('a container overriding a root pod group passes; the pod value alone covers containers that set nothing', () => {
    expectEverywhere(requireRunAsGroup, podWith({ securityContext: { runAsGroup: 0 }, containers: [c({ runAsGroup: 1000 })] }), []);
    expectEverywhere(requireRunAsGroup, podWith({ securityContext: { runAsGroup: 3000 }, containers: [c(), c({}, 'b')] }), []);
  });
  it('an init or ephemeral container falling back to root fails', () => {
    expectEverywhere(requireRunAsGroup, podWith({ containers: [c({ runAsGroup: 1 })], initContainers: [c(undefined, 'init')] }), ['run-as-group']);
    expectEverywhere(
      requireRunAsGroup,
      podWith({ securityContext: { runAsGroup: 5 }, containers: [c()], ephemeralContainers: [c({ runAsGroup: 0 }, 'debug')] }),
      ['run-as-group'],
    );
  });
  it('no securityContext at all fails', () => expectEverywhere(requireRunAsGroup, podWith({ containers: [c()] }), ['run-as-group']));
});

describe('fsGroup in range, OnRootMismatch recommended (warn)', () => {
  it.each([
    [1, []],
    [65535, []],
    [0, ['fsgroup-range']],
    [65536, ['fsgroup-range']],
  ] as const)('fsGroup %i → %j', (fsGroup, rules) =>
    expectEverywhere(requireFsGroupRange, podWith({ securityContext: { fsGroup }, containers: [c()] }), [...rules]),
  );
  it('a container cannot set fsGroup, so an absent pod value fails whatever containers say', () =>
    expectEverywhere(requireFsGroupRange, podWith({ containers: [c({ runAsGroup: 10 })] }), ['fsgroup-range']));
  it('the recommendation is a warn-mode policy that only speaks when fsGroup is set', () => {
    expect(recommendOnRootMismatch.ir.mode).toBe('warn');
    expectEverywhere(recommendOnRootMismatch, podWith({ securityContext: { fsGroup: 2000, fsGroupChangePolicy: 'Always' }, containers: [c()] }), [
      'fsgroup-change-policy',
    ]);
    expectEverywhere(recommendOnRootMismatch, podWith({ securityContext: { fsGroupChangePolicy: 'Always' }, containers: [c()] }), []);
  });
});

describe('procMount: Unmasked only with hostUsers: false', () => {
  it.each([
    ['init container, no hostUsers', { initContainers: [c({ procMount: 'Unmasked' }, 'init')], containers: [c()] }, ['proc-mount']],
    ['hostUsers: true', { hostUsers: true, containers: [c({ procMount: 'Unmasked' })] }, ['proc-mount']],
    ['ephemeral container in a user namespace', { hostUsers: false, containers: [c()], ephemeralContainers: [c({ procMount: 'Unmasked' }, 'debug')] }, []],
    ['Default anywhere', { containers: [c({ procMount: 'Default' })] }, []],
    ['no securityContext', { containers: [c()] }, []],
  ] as const)('%s → %j', (_name, spec, rules) => expectEverywhere(restrictProcMount, podWith(spec), [...rules]));
});

describe('Localhost seccomp / AppArmor profiles from the allow-list', () => {
  const seccomp = (localhostProfile: string) => ({ seccompProfile: { type: 'Localhost', localhostProfile } });
  const apparmor = (localhostProfile: string) => ({ appArmorProfile: { type: 'Localhost', localhostProfile } });
  it.each([
    ['the seed profiles', { securityContext: seccomp('my-profiles/profile-allow.json'), containers: [c(apparmor('k8s-apparmor-example-deny-write'))] }, []],
    ['an unknown container seccomp profile', { containers: [c(seccomp('profiles/fine-grained.json'))] }, ['seccomp-localhost-profiles']],
    [
      'an unknown AppArmor profile on an ephemeral container',
      { containers: [c()], ephemeralContainers: [c(apparmor('unconfined-ish'), 'debug')] },
      ['apparmor-localhost-profiles'],
    ],
    // The container replaces the pod's profile, but a named pod profile is still checked (conservative).
    [
      'an unknown pod profile every container overrides',
      { securityContext: seccomp('x.json'), containers: [c({ seccompProfile: { type: 'RuntimeDefault' } })] },
      ['seccomp-localhost-profiles'],
    ],
    ['RuntimeDefault and no securityContext', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [c()] }, []],
  ] as const)('%s → %j', (_name, spec, rules) => expectEverywhere(restrictLocalhostProfiles, podWith(spec), [...rules]));
});

describe('SELinux level and type restrictions', () => {
  const se = (seLinuxOptions: Obj) => ({ seLinuxOptions });
  it.each([
    ['the seed level on a container', { containers: [c(se({ level: 's0:c123,c456' }))] }, []],
    ['a level without categories', { securityContext: se({ level: 's0' }), containers: [c()] }, ['selinux-level']],
    ['spc_t on an init container', { containers: [c()], initContainers: [c(se({ type: 'spc_t' }), 'init')] }, ['selinux-type']],
    ['container_t with a user', { containers: [c(se({ type: 'container_t', user: 'system_u' }))] }, ['selinux-user-role']],
    [
      'spc_t with a role and a bare level',
      { containers: [c(se({ type: 'spc_t', role: 'system_r', level: 's0' }))] },
      ['selinux-level', 'selinux-type', 'selinux-user-role'],
    ],
    ['empty user, role and type (unset, as the API reads them)', { securityContext: se({ user: '', role: '', type: '' }), containers: [c()] }, []],
  ] as const)('%s → %j', (_name, spec, rules) => expectEverywhere(restrictSeLinux, podWith(spec), [...rules]));
});

describe('readOnlyRootFilesystem: true', () => {
  it.each([
    ['every container', { containers: [c({ readOnlyRootFilesystem: true })], initContainers: [c({ readOnlyRootFilesystem: true }, 'init')] }, []],
    [
      'an ephemeral container without it',
      { containers: [c({ readOnlyRootFilesystem: true })], ephemeralContainers: [c(undefined, 'debug')] },
      ['read-only-root-filesystem'],
    ],
    ['explicitly false', { containers: [c({ readOnlyRootFilesystem: false })] }, ['read-only-root-filesystem']],
  ] as const)('%s → %j', (_name, spec, rules) => expectEverywhere(requireReadOnlyRoot, podWith(spec), [...rules]));
  it('is a container-only field: the pod cannot set it for them', () =>
    expect(verdict(requireReadOnlyRoot, podWith({ securityContext: {}, containers: [c()] }))).toEqual(['read-only-root-filesystem']));
});
