import { pssPolicies } from './controls.js';

/** The Pod Security Standards, baseline and restricted, enforced. Bundles come from `pss.levels`. */
export default pssPolicies();
