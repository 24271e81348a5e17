/**
 * The random Pod arbitraries now live with the equivalence layer, which drives `podsec verify
 * --random`; this re-export keeps the test-side import path stable.
 */
export {
  arbitraryPodObject,
  arbitraryPodTemplate,
  valuesFromPolicy,
  wrapTemplate,
  type PodArbitraryOptions,
} from '../../packages/verify/src/fixtures/random.js';
