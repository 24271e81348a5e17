import type { AdapterFactory, EngineId } from '../types.js';
import { vapAdapterFactory, vpolAdapterFactory } from './cel.js';
import { gatekeeperAdapterFactory } from './gatekeeper.js';
import { kyvernoAdapterFactory } from './kyverno.js';
import { regoAdapterFactory } from './rego.js';

/** One adapter per engine: how each target's artifacts are loaded and asked for a decision. */
export const ENGINE_ADAPTERS: Readonly<Record<EngineId, AdapterFactory>> = {
  rego: regoAdapterFactory,
  gatekeeper: gatekeeperAdapterFactory,
  kyverno: kyvernoAdapterFactory,
  vpol: vpolAdapterFactory,
  vap: vapAdapterFactory,
};

export { gatekeeperReview } from './rego.js';
export { admissionFacts } from './admission.js';
