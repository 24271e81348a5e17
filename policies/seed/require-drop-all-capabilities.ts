import { container, definePolicy } from '@podsec/dsl';

// Seed 003 (Linux capabilities): drop everything, then add back only what is needed.
// `drop ∋ ALL` is list membership, not equality with [ALL].
export default definePolicy({
  name: 'require-drop-all-capabilities',
  title: 'Require dropping all capabilities',
  description: 'Every container must list ALL in securityContext.capabilities.drop.',
  severity: 'medium',
  rules: [
    {
      id: 'drop-all',
      message: 'capabilities not dropped',
      detail: 'must set securityContext.capabilities.drop=["ALL"]',
      require: container('capabilities.drop').includesAll(['ALL']),
    },
  ],
});
