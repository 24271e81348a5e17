import { all, container, definePolicy, pod } from '@podsec/dsl';

/** The SELinux type for ordinary containers ('' = not set); anything else (spc_t, …) widens what the process may touch. */
export const ALLOWED_SELINUX_TYPES = ['', 'container_t'];
/** An MCS level with a category pair, as in the seed (`s0:c123,c456`). */
export const SELINUX_LEVEL_PATTERN = 's0:c*,c*';

// Seed 000/003 (SELinux): "usually you only need to set the level section", which sets the
// Multi-Category Security label of the pod's containers and volumes. The user and role are left to
// the runtime, the type is the default container type, and a level, when given, is an MCS category
// pair. seLinuxOptions of a container replaces the pod's as a whole object, so both are checked.
export default definePolicy({
  name: 'restrict-selinux-options',
  title: 'Restrict SELinux options',
  description: `seLinuxOptions may only set level (matching ${SELINUX_LEVEL_PATTERN}) and type ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')}; user and role must be unset.`,
  severity: 'high',
  // One rule, not three: Kyverno ValidatingPolicy stops at the first failing validation, so a
  // policy whose rules fail together would report different rule sets per engine.
  rules: [
    {
      id: 'selinux-options',
      message: `seLinuxOptions: level must be unset or an MCS category pair matching ${SELINUX_LEVEL_PATTERN} (e.g. s0:c123,c456), type unset or one of ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')}, and user and role unset.`,
      require: all(
        pod('seLinuxOptions.level').optional.glob(SELINUX_LEVEL_PATTERN),
        container('seLinuxOptions.level').optional.glob(SELINUX_LEVEL_PATTERN),
        pod('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES),
        container('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES),
        // '' is how the API spells "not set" for these strings (PSA check_seLinuxOptions.go reads it so too).
        pod('seLinuxOptions.user').optional.equals(''),
        container('seLinuxOptions.user').optional.equals(''),
        pod('seLinuxOptions.role').optional.equals(''),
        container('seLinuxOptions.role').optional.equals(''),
      ),
    },
  ],
});
