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
  rules: [
    {
      id: 'selinux-level',
      message: `seLinuxOptions.level not an MCS category pair like s0:c123,c456`,
      detail: `must leave seLinuxOptions.level unset or match ${SELINUX_LEVEL_PATTERN}`,
      require: all(pod('seLinuxOptions.level').optional.glob(SELINUX_LEVEL_PATTERN), container('seLinuxOptions.level').optional.glob(SELINUX_LEVEL_PATTERN)),
    },
    {
      id: 'selinux-type',
      message: `forbidden seLinuxOptions.type: only ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')} is allowed`,
      detail: `must leave seLinuxOptions.type unset or set it to ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(' or ')}`,
      require: all(pod('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES), container('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES)),
    },
    {
      id: 'selinux-user-role',
      message: 'seLinuxOptions.user or role set: they are left to the container runtime',
      detail: 'must leave seLinuxOptions.user and seLinuxOptions.role unset',
      // '' is how the API spells "not set" for these strings (PSA check_seLinuxOptions.go reads it so too).
      require: all(
        pod('seLinuxOptions.user').optional.equals(''),
        container('seLinuxOptions.user').optional.equals(''),
        pod('seLinuxOptions.role').optional.equals(''),
        container('seLinuxOptions.role').optional.equals(''),
      ),
    },
  ],
});
