/**
 * The gatekeeper-library PSP assertions that do NOT hold yet, per engine: suite → engine → the
 * assertion ids (`suite/test/case#index`, index into index.json) or `*` for every assertion of the
 * suite. test/psp-conformance.test.ts fails when an assertion outside this table fails, and when
 * one inside it holds (so the table is always exactly the truth; shrink it as templates land).
 */
import type { Judge } from './psp-conformance.js';

export type GapTable = Readonly<Record<string, Partial<Record<Judge, readonly string[]>>>>;

/**
 * The reference's rendered messages against the suites' message regexes. Every regex names its
 * container gatekeeper-library's way (`…is allowed: nginx`, `…for container 'nginx'. Found at: pod
 * securityContext.`), and several carry the value found and where; podsec's one message per rule
 * names containers Pod Security Admission's way (`… (container "nginx" must set …)`), fixed by
 * renderRuleMessage for every engine, so no choice of message and detail can match these. What
 * does hold is checked in psp-conformance.test.ts: each names the container the suite's names.
 */
const REFERENCE_MESSAGE_GAPS = {
  'read-only-root-filesystem': [
    'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
    'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
  ],
  seccomp: [
    'seccomp/default-seccomp-required/example-disallowed-global#108',
    'seccomp/default-seccomp-required/example-disallowed-container#109',
    'seccomp/default-seccomp-required/disallowed-ephemeral#112',
    'seccomp/default-seccomp-required/example-disallowed-container-localhost-profile#115',
  ],
  seccompv2: [
    'seccompv2/seccomp-baseline/example-disallowed-global#116',
    'seccompv2/seccomp-baseline/example-disallowed-container#117',
    'seccompv2/seccomp-restricted/example-disallowed-global#123',
    'seccompv2/seccomp-restricted/example-disallowed-container#124',
    'seccompv2/seccomp-restricted/disallowed-ephemeral-no-profile#128',
  ],
} as const;

export const PSP_GAPS: GapTable = {
  'read-only-root-filesystem': {
    reference: REFERENCE_MESSAGE_GAPS['read-only-root-filesystem'],
    rego: [
      'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
      'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
    ],
    gatekeeper: [
      'read-only-root-filesystem/require-read-only-root-filesystem/example-disallowed#100',
      'read-only-root-filesystem/require-read-only-root-filesystem/disallowed-ephemeral#102',
    ],
  },
  seccomp: {
    rego: [
      'seccomp/default-seccomp-required/example-disallowed-global#108',
      'seccomp/default-seccomp-required/example-disallowed-container#109',
      'seccomp/default-seccomp-required/disallowed-ephemeral#112',
      'seccomp/default-seccomp-required/example-disallowed-container-localhost-profile#115',
    ],
    gatekeeper: [
      'seccomp/default-seccomp-required/example-disallowed-global#108',
      'seccomp/default-seccomp-required/example-disallowed-container#109',
      'seccomp/default-seccomp-required/disallowed-ephemeral#112',
      'seccomp/default-seccomp-required/example-disallowed-container-localhost-profile#115',
    ],
    reference: REFERENCE_MESSAGE_GAPS.seccomp,
  },
  seccompv2: {
    reference: REFERENCE_MESSAGE_GAPS.seccompv2,
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
  },
};

export function isKnownGap(table: GapTable, suite: string, engine: Judge, id: string): boolean {
  const listed = table[suite]?.[engine];
  return Boolean(listed && (listed.includes('*') || listed.includes(id)));
}
