/**
 * The engine registry `podsec verify` and `podsec eval` run. The lead registers each real engine
 * here as it lands; an engine without a factory is reported as "not run", never as passing.
 */
import { evaluatePolicy, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { MODE_ACTION } from './adapters/admission.js';
import { ENGINE_ADAPTERS } from './adapters/index.js';
import type { AdapterFactory, EngineAdapter, EngineDecision, EngineId, LoadedBuild } from './types.js';

export const ADAPTER_FACTORIES: Partial<Record<EngineId, AdapterFactory>> = { ...ENGINE_ADAPTERS };

/** An engine decision without the engine: what the reference evaluator says. */
export type ReferenceDecision = Omit<EngineDecision, 'engine'>;

/** The reference evaluator's decision in the shape engines report, for one policy. */
export function referenceDecision(ir: PolicyIR, object: unknown, ctx: AdmissionContext): ReferenceDecision {
  const verdict = evaluatePolicy(ir, object, ctx);
  if (!verdict.applies)
    return {
      policy: ir.name,
      outcome: 'satisfied',
      action: 'skip',
      skipReason: verdict.reason,
      violations: [],
      evidence: [`not applicable: ${verdict.reason}`],
    };
  return {
    policy: ir.name,
    outcome: verdict.violated ? 'violated' : 'satisfied',
    action: verdict.violated ? MODE_ACTION[ir.mode] : 'allow',
    violations: verdict.violations,
    evidence: verdict.violations.map((v) => `ir rule ${v.rule}`),
  };
}

/**
 * An adapter that answers with the reference semantics under an engine's id. It must agree with
 * everything; tests use it to exercise verify, and broken variants of it to prove verify catches
 * engines that disagree.
 */
export function referenceAdapterFactory(id: EngineId): AdapterFactory {
  return async (build: LoadedBuild): Promise<EngineAdapter> => ({
    id,
    evaluate(object, ctx, policies) {
      const names = policies ?? [...build.irs.keys()];
      return names.map((name) => {
        const ir = build.irs.get(name);
        if (!ir) return { engine: id, policy: name, outcome: 'error', violations: [], error: `policy "${name}" is not in the build` };
        return { engine: id, ...referenceDecision(ir, object, ctx) };
      });
    },
  });
}

export interface ResolvedAdapters {
  adapters: EngineAdapter[];
  /** Engines asked for that have no registered factory. */
  notRun: EngineId[];
}

/** Loads the adapters for `engines` from `factories` once per build. */
export async function loadAdapters(
  build: LoadedBuild,
  engines: readonly EngineId[],
  factories: Partial<Record<EngineId, AdapterFactory>> = ADAPTER_FACTORIES,
): Promise<ResolvedAdapters> {
  const notRun = engines.filter((id) => !factories[id]);
  // All at once: an engine waiting for another thread's Wasm (prebuilt.ts) lets the others load meanwhile.
  const adapters = await Promise.all(engines.filter((id) => factories[id]).map((id) => factories[id]!(build)));
  return { adapters, notRun };
}
