import type { Mode } from '@podsec/ir';

export type EnforcementAction = 'deny' | 'dryrun' | 'warn';

/** Gatekeeper's enforcementAction for each policy mode (audit-only is `dryrun` in Gatekeeper). */
export const ENFORCEMENT_ACTIONS: Readonly<Record<Mode, EnforcementAction>> = {
  enforce: 'deny',
  audit: 'dryrun',
  warn: 'warn',
};
