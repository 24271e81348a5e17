import { container, definePolicy } from '@podsec/dsl';

// Seed 000/003 ("readOnlyRootFilesystem: mounts the container's root filesystem as read-only"): a
// process that cannot write its image cannot drop tools or modify binaries in place; writable paths
// come from volumes. The field exists only on containers, and unset means writable.
export default definePolicy({
  name: 'require-read-only-root-filesystem',
  title: 'Require a read-only root filesystem',
  description: 'Every container (init and ephemeral included) must set securityContext.readOnlyRootFilesystem to true.',
  severity: 'medium',
  rules: [
    {
      id: 'read-only-root-filesystem',
      message: 'readOnlyRootFilesystem != true',
      detail: 'must set securityContext.readOnlyRootFilesystem=true and write only to volumes',
      require: container('readOnlyRootFilesystem').equals(true),
    },
  ],
});
