/**
 * The gatekeeper-library PSP assertions that do NOT hold yet, per engine: suite → engine → the
 * assertion ids (`suite/test/case#index`, index into index.json) or `*` for every assertion of the
 * suite. test/psp-conformance.test.ts fails when an assertion outside this table fails, and when
 * one inside it holds (so the table is always exactly the truth; shrink it as templates land).
 */
import type { Judge } from './psp-conformance.js';

export type GapTable = Readonly<Record<string, Partial<Record<Judge, readonly string[]>>>>;

/**
 * Every assertion holds in every engine: the templates whose suites check messages
 * (read-only-root-filesystem, seccomp, seccompv2) word them as gatekeeper-library does through
 * `containerMessage`, one rule per place a profile is found; `localhost/<file>` allow-list entries
 * reach securityContext Localhost files through `withPrefix`. A new gap goes here, by assertion id.
 */
export const PSP_GAPS: GapTable = {};

export function isKnownGap(table: GapTable, suite: string, engine: Judge, id: string): boolean {
  const listed = table[suite]?.[engine];
  return Boolean(listed && (listed.includes('*') || listed.includes(id)));
}
