import { pssPolicies } from '@podsec/pss-library';

/**
 * The Pod Security Standards at PSA v1.37 (`latest`), baseline and restricted, enforced: one policy
 * per PSA check; bundles come from `pss.levels`. Other versions, modes and scopes: `pssPolicies`
 * and `pssFromAdmissionConfiguration` / `pssFromNamespaceLabels` (packages/pss-library).
 */
export default pssPolicies();
