/**
 * The gatekeeper-library PSP assertions that do NOT hold yet, per engine: suite → engine → the
 * assertion ids (`suite/test/case#index`, index into index.json) or `*` for every assertion of the
 * suite. test/psp-conformance.test.ts fails when an assertion outside this table fails, and when
 * one inside it holds (so the table is always exactly the truth; shrink it as templates land).
 */
import type { EngineId } from '@podsec/verify';

export type GapTable = Readonly<Record<string, Partial<Record<EngineId, readonly string[]>>>>;

const EVERY = ['*'] as const;
const allEngines = { rego: EVERY, gatekeeper: EVERY, kyverno: EVERY, vpol: EVERY, vap: EVERY } as const;

export const PSP_GAPS: GapTable = {
  'allow-privilege-escalation': allEngines,
  apparmor: allEngines,
  capabilities: allEngines,
  'flexvolume-drivers': allEngines,
  'forbidden-sysctls': allEngines,
  fsgroup: allEngines,
  'host-filesystem': allEngines,
  'host-namespaces': { gatekeeper: EVERY },
  'host-network-ports': allEngines,
  'host-probes-lifecycle': allEngines,
  'host-process': allEngines,
  'privileged-containers': allEngines,
  'proc-mount': allEngines,
  'read-only-root-filesystem': allEngines,
  seccomp: allEngines,
  seccompv2: allEngines,
  selinux: allEngines,
  users: allEngines,
  volumes: allEngines,
};

export function isKnownGap(table: GapTable, suite: string, engine: EngineId, id: string): boolean {
  const listed = table[suite]?.[engine];
  return Boolean(listed && (listed.includes('*') || listed.includes(id)));
}
