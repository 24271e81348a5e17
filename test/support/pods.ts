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

/** An object as the API server decodes it: explicit nulls dropped (what admission-time policies see). */
export const apiserverDecoded = <T>(v: T): T =>
  (Array.isArray(v)
    ? v.map(apiserverDecoded)
    : typeof v === 'object' && v !== null
      ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === null ? [] : [[k, apiserverDecoded(x)]])))
      : v) as T;
