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
  'allow-privilege-escalation': {
    gatekeeper: EVERY,
    rego: ['allow-privilege-escalation/allow-privilege-escalation/exempted-path#4'],
    kyverno: ['allow-privilege-escalation/allow-privilege-escalation/exempted-path#4'],
    vpol: ['allow-privilege-escalation/allow-privilege-escalation/exempted-path#4'],
    vap: ['allow-privilege-escalation/allow-privilege-escalation/exempted-path#4'],
  },
  apparmor: { reference: EVERY, rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  capabilities: { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'flexvolume-drivers': { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'forbidden-sysctls': { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  fsgroup: { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'host-filesystem': { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'host-namespaces': { gatekeeper: EVERY },
  'host-network-ports': { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'host-probes-lifecycle': { gatekeeper: EVERY },
  'host-process': { gatekeeper: EVERY },
  'privileged-containers': {
    gatekeeper: EVERY,
    rego: ['privileged-containers/privileged-containers-disallowed/exempted-image#93'],
    kyverno: ['privileged-containers/privileged-containers-disallowed/exempted-image#93'],
    vpol: ['privileged-containers/privileged-containers-disallowed/exempted-image#93'],
    vap: ['privileged-containers/privileged-containers-disallowed/exempted-image#93'],
  },
  'proc-mount': { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  'read-only-root-filesystem': {
    rego: [
      'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
      'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
      'read-only-root-filesystem/require-read-only-root-filesystem/exact-exemption#104',
      'read-only-root-filesystem/full-wildcard/allow-normally-disallowed#105',
      'read-only-root-filesystem/wildcard-prefix/image-with-exempt-prefix-readOnlyRootFilesystem-not-required#106',
    ],
    gatekeeper: EVERY,
    kyverno: [
      'read-only-root-filesystem/require-read-only-root-filesystem/exact-exemption#104',
      'read-only-root-filesystem/full-wildcard/allow-normally-disallowed#105',
      'read-only-root-filesystem/wildcard-prefix/image-with-exempt-prefix-readOnlyRootFilesystem-not-required#106',
    ],
    vpol: [
      'read-only-root-filesystem/require-read-only-root-filesystem/exact-exemption#104',
      'read-only-root-filesystem/full-wildcard/allow-normally-disallowed#105',
      'read-only-root-filesystem/wildcard-prefix/image-with-exempt-prefix-readOnlyRootFilesystem-not-required#106',
    ],
    vap: [
      'read-only-root-filesystem/require-read-only-root-filesystem/exact-exemption#104',
      'read-only-root-filesystem/full-wildcard/allow-normally-disallowed#105',
      'read-only-root-filesystem/wildcard-prefix/image-with-exempt-prefix-readOnlyRootFilesystem-not-required#106',
    ],
  },
  seccomp: { reference: EVERY, rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  seccompv2: { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  selinux: { reference: EVERY, rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  users: { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
  volumes: { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY },
};

export function isKnownGap(table: GapTable, suite: string, engine: Judge, id: string): boolean {
  const listed = table[suite]?.[engine];
  return Boolean(listed && (listed.includes('*') || listed.includes(id)));
}
