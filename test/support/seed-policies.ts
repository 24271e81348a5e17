import type { Policy } from '@podsec/dsl';
import disallowPrivilegeEscalation from '../../policies/seed/disallow-privilege-escalation.js';
import requireDropAll from '../../policies/seed/require-drop-all-capabilities.js';
import requireRunAsNonRoot from '../../policies/seed/require-run-as-non-root.js';
import requireStrictGroups from '../../policies/seed/require-supplemental-groups-strict.js';
import restrictSeccomp from '../../policies/seed/restrict-seccomp-profiles.js';

/** The seed policies, imported statically for tests that do not go through the CLI loader. */
const seedPolicies: Policy[] = [disallowPrivilegeEscalation, requireDropAll, requireRunAsNonRoot, requireStrictGroups, restrictSeccomp];
export default seedPolicies;
