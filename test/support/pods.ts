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
import { FixtureLoadError, normalizeObject } from '../../packages/verify/src/input/index.js';

/**
 * An object as the API server decodes it (explicit nulls dropped), or undefined when the API server
 * would refuse it (a wrong-typed field): what admission-time policies see, if anything.
 */
export function apiserverDecoded<T extends Record<string, unknown>>(v: T): T | undefined {
  try {
    return normalizeObject(v, 'fixture') as T;
  } catch (e) {
    if (e instanceof FixtureLoadError) return undefined;
    throw e;
  }
}
