/**
 * Version behaviour the v1.37-only conformance fixtures cannot show. Each case cites the upstream
 * check (kubernetes/pod-security-admission, policy/check_*.go at 8f84a87) whose versioned entries it
 * exercises; Pods start from upstream's generated minimal valid Pod for the level
 * (`<level>/v1.37/pass/base.yaml`, which is valid at every version for baseline and from v1.22 on
 * for restricted) and change only the fields named.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluatePodSecurity, type PssLevel } from '../src/index.js';
import { basePod, withFields } from './support.js';

/** The ids of the checks refusing `pod`. */
function refusedBy(pod: unknown, level: PssLevel, version: string): string[] {
  return evaluatePodSecurity(pod, { level, version })
    .results.filter((r) => !r.allowed)
    .map((r) => r.id);
}

interface VersionCase {
  readonly name: string;
  /** The upstream source whose behaviour this mirrors. */
  readonly upstream: string;
  readonly level: 'baseline' | 'restricted';
  readonly fields: Readonly<Record<string, unknown>>;
  /** version → ids of the refusing checks ([] = allowed). */
  readonly expect: Readonly<Record<string, readonly string[]>>;
}

const CASES: readonly VersionCase[] = [
  // --- sysctls: the allow-list grows at v1.27, v1.29, v1.32 and v1.37
  ...(
    [
      ['kernel.shm_rmid_forced', 'v1.0', null],
      ['net.ipv4.ip_unprivileged_port_start', 'v1.0', null],
      ['net.ipv4.ip_local_reserved_ports', 'v1.27', 'v1.26'],
      ['net.ipv4.tcp_keepalive_time', 'v1.29', 'v1.28'],
      ['net.ipv4.tcp_fin_timeout', 'v1.29', 'v1.28'],
      ['net.ipv4.tcp_keepalive_intvl', 'v1.29', 'v1.28'],
      ['net.ipv4.tcp_keepalive_probes', 'v1.29', 'v1.28'],
      ['net.ipv4.tcp_rmem', 'v1.32', 'v1.31'],
      ['net.ipv4.tcp_wmem', 'v1.32', 'v1.31'],
      ['net.ipv4.tcp_slow_start_after_idle', 'v1.37', 'v1.36'],
      ['net.ipv4.tcp_notsent_lowat', 'v1.37', 'v1.36'],
    ] as const
  ).map(
    ([sysctl, allowedFrom, refusedAt]): VersionCase => ({
      name: `sysctl ${sysctl} is allowed from ${allowedFrom}`,
      upstream: 'policy/check_sysctls.go (sysctlsAllowedV1Dot0 … sysctlsAllowedV1Dot37)',
      level: 'baseline',
      fields: { 'spec.securityContext.sysctls': [{ name: sysctl, value: '1' }] },
      expect: {
        ...(refusedAt === null ? {} : { [refusedAt]: ['sysctls'] }),
        [allowedFrom]: [],
        'v1.37': [],
        latest: [],
      },
    }),
  ),
  {
    name: 'an unlisted sysctl is refused at every version',
    upstream: 'policy/check_sysctls.go',
    level: 'baseline',
    fields: { 'spec.securityContext.sysctls': [{ name: 'kernel.msgmax', value: '1' }] },
    expect: { 'v1.0': ['sysctls'], 'v1.27': ['sysctls'], 'v1.37': ['sysctls'] },
  },

  // --- user namespaces (hostUsers: false) relax runAsNonRoot, runAsUser and baseline procMount from v1.35
  {
    name: 'runAsNonRoot=false inside a user namespace',
    upstream: 'policy/check_runAsNonRoot.go (runAsNonRoot1_35, KEP-127)',
    level: 'restricted',
    fields: { 'spec.hostUsers': false, 'spec.securityContext.runAsNonRoot': false },
    expect: { 'v1.34': ['runAsNonRoot'], 'v1.35': [], latest: [] },
  },
  {
    name: 'runAsNonRoot=false with hostUsers: true is not relaxed',
    upstream: 'policy/helpers.go relaxPolicyForUserNamespacePod (hostUsers must be explicitly false)',
    level: 'restricted',
    fields: { 'spec.hostUsers': true, 'spec.securityContext.runAsNonRoot': false },
    expect: { 'v1.35': ['runAsNonRoot'], 'v1.37': ['runAsNonRoot'] },
  },
  {
    name: 'runAsUser=0 inside a user namespace',
    upstream: 'policy/check_runAsUser.go (runAsUser1_35)',
    level: 'restricted',
    fields: { 'spec.hostUsers': false, 'spec.containers[0].securityContext.runAsUser': 0 },
    expect: { 'v1.34': ['runAsUser'], 'v1.35': [], 'v1.37': [] },
  },
  {
    name: 'procMount Unmasked inside a user namespace at baseline',
    upstream: 'policy/check_procMount_baseline.go (procMount1_35baseline)',
    level: 'baseline',
    fields: { 'spec.hostUsers': false, 'spec.containers[0].securityContext.procMount': 'Unmasked' },
    expect: { 'v1.0': ['procMount'], 'v1.34': ['procMount'], 'v1.35': [], 'v1.37': [] },
  },
  {
    name: 'procMount Unmasked inside a user namespace stays refused at restricted',
    upstream: 'policy/check_procMount_restricted.go (from v1.35, overrides procMount)',
    level: 'restricted',
    fields: { 'spec.hostUsers': false, 'spec.containers[0].securityContext.procMount': 'Unmasked' },
    expect: { 'v1.34': ['procMount'], 'v1.35': ['procMount_restricted'], 'v1.37': ['procMount_restricted'] },
  },

  // --- seccomp: annotations until v1.18, the securityContext field from v1.19
  {
    name: 'pod seccomp annotation "unconfined"',
    upstream: 'policy/check_seccompProfile_baseline.go (seccompProfileBaseline_1_0 → _1_19)',
    level: 'baseline',
    fields: { 'metadata.annotations': { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
    expect: { 'v1.0': ['seccompProfile_baseline'], 'v1.18': ['seccompProfile_baseline'], 'v1.19': [], 'v1.37': [] },
  },
  {
    name: 'container seccomp annotation for an existing container',
    upstream: 'policy/check_seccompProfile_baseline.go (seccompProfileBaseline_1_0)',
    level: 'baseline',
    fields: { 'metadata.annotations': { 'container.seccomp.security.alpha.kubernetes.io/initcontainer1': 'unconfined' } },
    expect: { 'v1.18': ['seccompProfile_baseline'], 'v1.19': [] },
  },
  {
    name: 'container seccomp annotation naming no container is ignored',
    upstream: 'policy/check_seccompProfile_baseline.go (only visited containers are looked up)',
    level: 'baseline',
    fields: { 'metadata.annotations': { 'container.seccomp.security.alpha.kubernetes.io/ghost': 'unconfined' } },
    expect: { 'v1.18': [] },
  },
  {
    name: 'allowed seccomp annotation values',
    upstream: 'policy/check_seccompProfile_baseline.go validSeccompAnnotationValue',
    level: 'baseline',
    fields: {
      'metadata.annotations': {
        'seccomp.security.alpha.kubernetes.io/pod': 'docker/default',
        'container.seccomp.security.alpha.kubernetes.io/container1': 'localhost/profile.json',
        'container.seccomp.security.alpha.kubernetes.io/initcontainer1': 'runtime/default',
      },
    },
    expect: { 'v1.0': [], 'v1.18': [] },
  },
  {
    name: 'seccompProfile.type Unconfined',
    upstream: 'policy/check_seccompProfile_baseline.go (seccompProfileBaseline_1_19)',
    level: 'baseline',
    fields: { 'spec.securityContext.seccompProfile': { type: 'Unconfined' } },
    expect: { 'v1.18': [], 'v1.19': ['seccompProfile_baseline'], 'v1.37': ['seccompProfile_baseline'] },
  },
  {
    name: 'restricted requires a seccomp profile from v1.19, where seccompProfile_restricted overrides baseline',
    upstream: 'policy/check_seccompProfile_restricted.go (MinimumVersion 1.19, OverrideCheckIDs seccompProfile_baseline)',
    level: 'restricted',
    fields: {
      'spec.securityContext.seccompProfile': undefined,
      'metadata.annotations': { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' },
    },
    expect: { 'v1.18': ['seccompProfile_baseline'], 'v1.19': ['seccompProfile_restricted'] },
  },

  // --- capabilities: restricted drop=ALL from v1.22; before that baseline's add-list applies at restricted
  {
    name: 'no capabilities.drop at restricted',
    upstream: 'policy/check_capabilities_restricted.go (MinimumVersion 1.22)',
    level: 'restricted',
    fields: { 'spec.containers[0].securityContext.capabilities': undefined },
    expect: { 'v1.21': [], 'v1.22': ['capabilities_restricted'] },
  },
  {
    name: 'adding NET_RAW at restricted before and after the override',
    upstream: 'policy/check_capabilities_restricted.go OverrideCheckIDs capabilities_baseline',
    level: 'restricted',
    fields: { 'spec.containers[0].securityContext.capabilities': { add: ['NET_RAW'], drop: ['ALL'] } },
    expect: { 'v1.21': ['capabilities_baseline'], 'v1.22': ['capabilities_restricted'] },
  },

  // --- other versioned checks
  {
    name: 'allowPrivilegeEscalation is required from v1.8',
    upstream: 'policy/check_allowPrivilegeEscalation.go (MinimumVersion 1.8)',
    level: 'restricted',
    fields: { 'spec.initContainers[0].securityContext.allowPrivilegeEscalation': undefined },
    expect: { 'v1.7': [], 'v1.8': ['allowPrivilegeEscalation'] },
  },
  {
    name: 'runAsUser=0 is refused from v1.23',
    upstream: 'policy/check_runAsUser.go (MinimumVersion 1.23)',
    level: 'restricted',
    fields: { 'spec.securityContext.runAsUser': 0 },
    expect: { 'v1.22': [], 'v1.23': ['runAsUser'] },
  },
  {
    name: 'SELinux type container_engine_t is allowed from v1.31',
    upstream: 'policy/check_seLinuxOptions.go (selinuxAllowedTypes1_31)',
    level: 'baseline',
    fields: { 'spec.containers[0].securityContext.seLinuxOptions': { type: 'container_engine_t' } },
    expect: { 'v1.0': ['seLinuxOptions'], 'v1.30': ['seLinuxOptions'], 'v1.31': [], latest: [] },
  },
  {
    name: 'probe and lifecycle hosts are refused from v1.34',
    upstream: 'policy/check_hostProbesAndhostLifecycle.go (MinimumVersion 1.34)',
    level: 'baseline',
    fields: { 'spec.containers[0].livenessProbe': { httpGet: { host: '10.0.0.1', port: 80 } } },
    expect: { 'v1.33': [], 'v1.34': ['hostProbesAndHostLifecycle'] },
  },

  // --- appArmorProfile: the field and the annotation are both checked at every version
  {
    name: 'pod appArmorProfile Unconfined',
    upstream: 'policy/check_appArmorProfile.go (appArmorProfile_1_0, single version)',
    level: 'baseline',
    fields: { 'spec.securityContext.appArmorProfile': { type: 'Unconfined' } },
    expect: { 'v1.0': ['appArmorProfile'], 'v1.30': ['appArmorProfile'], latest: ['appArmorProfile'] },
  },
  {
    name: 'container appArmorProfile Localhost and RuntimeDefault',
    upstream: 'policy/check_appArmorProfile.go allowedProfileType',
    level: 'baseline',
    fields: {
      'spec.containers[0].securityContext.appArmorProfile': { type: 'Localhost', localhostProfile: 'p' },
      'spec.initContainers[0].securityContext.appArmorProfile': { type: 'RuntimeDefault' },
    },
    expect: { 'v1.0': [], latest: [] },
  },
  {
    name: 'ephemeral container appArmorProfile Unconfined',
    upstream: 'policy/check_appArmorProfile.go + policy/visitor.go (ephemeral containers are visited)',
    level: 'baseline',
    fields: {
      'spec.ephemeralContainers': [{ name: 'debugger', image: 'busybox', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
    },
    expect: { 'v1.0': ['appArmorProfile'], latest: ['appArmorProfile'] },
  },

  // --- Windows pods (spec.os.name: windows) are exempt from three restricted checks from v1.25
  {
    name: 'Windows pod without allowPrivilegeEscalation, capabilities or seccomp',
    upstream: 'policy/check_{allowPrivilegeEscalation,capabilities_restricted,seccompProfile_restricted}.go (_1_25)',
    level: 'restricted',
    fields: {
      'spec.os': { name: 'windows' },
      'spec.securityContext.seccompProfile': undefined,
      'spec.containers[0].securityContext': undefined,
      'spec.initContainers[0].securityContext': undefined,
    },
    expect: {
      'v1.24': ['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted'],
      'v1.25': [],
      latest: [],
    },
  },
  {
    name: 'Linux pod without them is not exempt',
    upstream: 'policy/check_allowPrivilegeEscalation.go (exemption compares os.name with "windows")',
    level: 'restricted',
    fields: {
      'spec.os': { name: 'linux' },
      'spec.securityContext.seccompProfile': undefined,
      'spec.containers[0].securityContext': undefined,
      'spec.initContainers[0].securityContext': undefined,
    },
    expect: { 'v1.25': ['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted'] },
  },
  {
    name: 'Windows pods still need runAsNonRoot',
    upstream: 'policy/check_runAsNonRoot.go (no Windows exemption)',
    level: 'restricted',
    fields: { 'spec.os': { name: 'windows' }, 'spec.securityContext.runAsNonRoot': undefined },
    expect: { 'v1.25': ['runAsNonRoot'], latest: ['runAsNonRoot'] },
  },
  {
    name: 'Windows HostProcess stays forbidden for Windows pods',
    upstream: 'policy/check_windowsHostProcess.go (baseline, no OS exemption)',
    level: 'restricted',
    fields: {
      'spec.os': { name: 'windows' },
      'spec.securityContext.windowsOptions': { hostProcess: true },
    },
    expect: { 'v1.25': ['windowsHostProcess'], latest: ['windowsHostProcess'] },
  },
];

describe('version-dependent PSA behaviour', () => {
  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const pod = withFields(basePod(testCase.level), testCase.fields);
    it.each(Object.entries(testCase.expect))(`${testCase.level}:%s refused by %j (${testCase.upstream})`, (version, expected) => {
      expect(refusedBy(pod, testCase.level, version).sort()).toEqual([...expected].sort());
    });
  });
});

describe('ephemeral containers', () => {
  // policy/visitor.go: init containers, then containers, then ephemeral containers.
  const debug = { name: 'debugger', image: 'busybox:1.36', securityContext: { privileged: true } };
  const pod = withFields(basePod('baseline'), {
    'spec.ephemeralContainers': [debug],
    'spec.initContainers[0].securityContext': { privileged: true },
  });

  it('are checked, after init containers and containers (upstream visitContainers order)', () => {
    const result = evaluatePodSecurity(pod, { level: 'baseline', version: 'latest' });
    const privileged = result.results.find((r) => r.id === 'privileged');
    expect(privileged?.allowed).toBe(false);
    // Upstream policy/check_privileged.go message format.
    expect(privileged?.detail).toBe('containers "initcontainer1", "debugger" must not set securityContext.privileged=true');
    expect(privileged?.violations.map((v) => [v.field, v.container?.kind, v.container?.name, v.container?.image])).toEqual([
      ['spec.initContainers[0].securityContext.privileged', 'initContainers', 'initcontainer1', 'registry.k8s.io/pause'],
      ['spec.ephemeralContainers[0].securityContext.privileged', 'ephemeralContainers', 'debugger', 'busybox:1.36'],
    ]);
  });

  it('must meet restricted too', () => {
    const restricted = withFields(basePod('restricted'), {
      'spec.ephemeralContainers': [{ name: 'debugger', image: 'busybox' }],
    });
    expect(refusedBy(restricted, 'restricted', 'latest').sort()).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted'].sort());
    const fixed = withFields(restricted, {
      'spec.ephemeralContainers[0].securityContext': { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(refusedBy(fixed, 'restricted', 'latest')).toEqual([]);
  });
});
