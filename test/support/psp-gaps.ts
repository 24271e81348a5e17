/**
 * The gatekeeper-library PSP assertions that do NOT hold yet, per engine: suite → engine → the
 * assertion ids (`suite/test/case#index`, index into index.json) or `*` for every assertion of the
 * suite. test/psp-conformance.test.ts fails when an assertion outside this table fails, and when
 * one inside it holds (so the table is always exactly the truth; shrink it as templates land).
 */
import type { Judge } from './psp-conformance.js';

export type GapTable = Readonly<Record<string, Partial<Record<Judge, readonly string[]>>>>;

const EVERY = ['*'] as const;

export const PSP_GAPS: GapTable = {
  'allow-privilege-escalation': { kyverno: ['allow-privilege-escalation/allow-privilege-escalation/exempted-path#4'] },
  apparmor: { kyverno: EVERY },
  'forbidden-sysctls': { kyverno: EVERY },
  fsgroup: {
    kyverno: [
      'fsgroup/fsgroup-no-rules/example-allowed#42',
      'fsgroup/fsgroup-no-rules/example-allowed#43',
      'fsgroup/fsgroup-no-rules/update#44',
      'fsgroup/fsgroup-empty-ranges/example-disallowed-2000#45',
      'fsgroup/fsgroup-empty-ranges/example-disallowed-500#46',
      'fsgroup/fsgroup-empty-ranges/update#47',
    ],
  },
  'host-filesystem': { kyverno: EVERY },
  'host-network-ports': { kyverno: ['host-network-ports/port-range-with-host-network-allowed/port-violation-exempted#62'] },
  'privileged-containers': { kyverno: ['privileged-containers/privileged-containers-disallowed/exempted-image#93'] },
  'proc-mount': { kyverno: ['proc-mount/default-proc-mount-required/image-exempt-prefix-match#99'] },
  'read-only-root-filesystem': {
    rego: [
      'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
      'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
    ],
    gatekeeper: [
      'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
      'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
    ],
    kyverno: [
      'read-only-root-filesystem/require-read-only-root-filesystem/exact-exemption#104',
      'read-only-root-filesystem/full-wildcard/allow-normally-disallowed#105',
      'read-only-root-filesystem/wildcard-prefix/image-with-exempt-prefix-readOnlyRootFilesystem-not-required#106',
    ],
  },
  seccomp: {
    rego: [
      'seccomp/default-seccomp-required/example-disallowed-global#108',
      'seccomp/default-seccomp-required/example-disallowed-container#109',
      'seccomp/default-seccomp-required/disallowed-ephemeral#112',
      'seccomp/default-seccomp-required/example-allowed-container-localhost-profile#114',
      'seccomp/default-seccomp-required/example-disallowed-container-localhost-profile#115',
    ],
    gatekeeper: [
      'seccomp/default-seccomp-required/example-disallowed-global#108',
      'seccomp/default-seccomp-required/example-disallowed-container#109',
      'seccomp/default-seccomp-required/disallowed-ephemeral#112',
      'seccomp/default-seccomp-required/example-allowed-container-localhost-profile#114',
      'seccomp/default-seccomp-required/example-disallowed-container-localhost-profile#115',
    ],
    kyverno: EVERY,
    reference: ['seccomp/default-seccomp-required/example-allowed-container-localhost-profile#114'],
    vpol: ['seccomp/default-seccomp-required/example-allowed-container-localhost-profile#114'],
    vap: ['seccomp/default-seccomp-required/example-allowed-container-localhost-profile#114'],
  },
  seccompv2: {
    rego: [
      'seccompv2/seccomp-baseline/example-disallowed-global#116',
      'seccompv2/seccomp-baseline/example-disallowed-container#117',
      'seccompv2/seccomp-restricted/example-disallowed-global#123',
      'seccompv2/seccomp-restricted/example-disallowed-container#124',
      'seccompv2/seccomp-restricted/disallowed-ephemeral-no-profile#128',
    ],
    gatekeeper: [
      'seccompv2/seccomp-baseline/example-disallowed-global#116',
      'seccompv2/seccomp-baseline/example-disallowed-container#117',
      'seccompv2/seccomp-restricted/example-disallowed-global#123',
      'seccompv2/seccomp-restricted/example-disallowed-container#124',
      'seccompv2/seccomp-restricted/disallowed-ephemeral-no-profile#128',
    ],
    kyverno: EVERY,
  },
  selinux: { kyverno: EVERY },
  volumes: { kyverno: EVERY },
};

export function isKnownGap(table: GapTable, suite: string, engine: Judge, id: string): boolean {
  const listed = table[suite]?.[engine];
  return Boolean(listed && (listed.includes('*') || listed.includes(id)));
}
