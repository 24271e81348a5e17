/**
 * Shared setup for the equivalence tests: the bundled policy library compiled in memory, the
 * reference adapter under every engine id, and deliberately broken adapters that each get one
 * well-known Kubernetes rule wrong, so the tests can prove verify catches and names them.
 */
import { buildPolicies } from '@podsec/compilers';
import { POD_KINDS, type PolicyIR } from '@podsec/ir';
import pss from '../../../policies/pss/index.js';
import dropAll from '../../../policies/seed/require-drop-all-capabilities.js';
import noEscalation from '../../../policies/seed/disallow-privilege-escalation.js';
import nonRoot from '../../../policies/seed/require-run-as-non-root.js';
import seccomp from '../../../policies/seed/restrict-seccomp-profiles.js';
import groups from '../../../policies/seed/require-supplemental-groups-strict.js';
import { loadBuildFromResult } from '../src/load.js';
import { referenceAdapterFactory } from '../src/adapters.js';
import type { AdapterFactory, EngineAdapter, EngineId, LoadedBuild } from '../src/types.js';
import { ENGINE_IDS } from '../src/types.js';

export const SEED_IRS: PolicyIR[] = [dropAll, noEscalation, nonRoot, seccomp, groups].map((p) => p.ir);
export const PSS_IRS: PolicyIR[] = pss.map((p) => p.ir);
/** The whole bundled library. */
export const LIBRARY_IRS: PolicyIR[] = [...SEED_IRS, ...PSS_IRS];

export function buildOf(irs: readonly PolicyIR[]): LoadedBuild {
  return loadBuildFromResult(buildPolicies(irs));
}

export const REFERENCE_FACTORIES: Record<EngineId, AdapterFactory> = Object.fromEntries(ENGINE_IDS.map((id) => [id, referenceAdapterFactory(id)])) as Record<
  EngineId,
  AdapterFactory
>;

type Obj = Record<string, unknown>;

/** The Pod template inside any Pod kind (mutable). */
function templateOf(object: unknown): Obj | undefined {
  const o = object as Obj;
  const spec = POD_KINDS.find((k) => k.kind === o.kind);
  if (!spec) return undefined;
  let cur: unknown = o;
  for (const key of spec.template) cur = (cur as Obj | undefined)?.[key];
  return cur as Obj | undefined;
}

/** An adapter that evaluates a rewritten copy of each object with the reference semantics. */
async function rewriting(id: EngineId, build: LoadedBuild, rewrite: (template: Obj) => void): Promise<EngineAdapter> {
  const inner = await referenceAdapterFactory(id)(build);
  return {
    id,
    evaluate(object, ctx, policies) {
      const copy = structuredClone(object);
      const t = templateOf(copy);
      if (t) rewrite(t);
      return inner.evaluate(copy, ctx, policies);
    },
  };
}

/** Forgets ephemeral containers, as engines that only walk containers + initContainers do. */
export const ignoresEphemeral =
  (id: EngineId): AdapterFactory =>
  (build) =>
    rewriting(id, build, (t) => {
      delete (t.spec as Obj | undefined)?.ephemeralContainers;
    });

/** Reads only pod-level values: every container's own securityContext is dropped. */
export const podLevelOnly =
  (id: EngineId): AdapterFactory =>
  (build) =>
    rewriting(id, build, (t) => {
      for (const kind of ['containers', 'initContainers', 'ephemeralContainers'])
        for (const c of ((t.spec as Obj | undefined)?.[kind] as Obj[] | undefined) ?? []) delete c.securityContext;
    });

/** Fails on every object, like an engine whose policy did not load. */
export const throwing =
  (id: EngineId): AdapterFactory =>
  async () => ({
    id,
    evaluate() {
      throw new Error('policy bundle failed to load: unexpected token at 3:7');
    },
  });

/** The reference, except that it words container faults the way VAP used to: `message (containers: a, b)`. */
export const oldMessageStyle =
  (id: EngineId): AdapterFactory =>
  async (build) => {
    const inner = await referenceAdapterFactory(id)(build);
    const rules = new Map([...build.irs.values()].flatMap((ir) => ir.rules.map((r) => [`${ir.name}/${r.id}`, r] as const)));
    return {
      id,
      comparesMessages: true,
      evaluate: (object, ctx, policies) =>
        inner.evaluate(object, ctx, policies).map((d) => ({
          ...d,
          violations: d.violations.map((v) => {
            const rule = rules.get(`${d.policy}/${v.rule}`)!;
            const names = v.message === rule.message ? [] : [...v.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
            return { ...v, message: names.length ? `${rule.message} (containers: ${names.join(', ')})` : v.message };
          }),
        })),
    };
  };
