import { pssPolicies } from './controls.js';

/**
 * The Pod Security Standards at PSA v1.37 (`latest`), baseline and restricted, enforced: one policy
 * per PSA check; bundles come from `pss.levels`. Other versions, modes and scopes: `pssPolicies`
 * (controls.ts) and `pssFromAdmissionConfiguration` / `pssFromNamespaceLabels` (admission.ts).
 */
export default pssPolicies();
