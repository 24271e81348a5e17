/**
 * Engines for the worker-thread tests (parallel.test.ts): the reference adapter, except three
 * deliberately broken ones (one of them only in its messages), so the disagreements a worker finds go through the merge too.
 * Worker threads import this module by URL (ParallelOptions.factoriesModule).
 */
import type { AdapterFactory, EngineId } from '../src/types.js';
import { ignoresEphemeral, oldMessageStyle, podLevelOnly, REFERENCE_FACTORIES } from './support.js';

export const ADAPTER_FACTORIES: Partial<Record<EngineId, AdapterFactory>> = {
  ...REFERENCE_FACTORIES,
  kyverno: ignoresEphemeral('kyverno'),
  vap: podLevelOnly('vap'),
  gatekeeper: oldMessageStyle('gatekeeper'),
};
