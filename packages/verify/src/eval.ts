/**
 * `podsec eval`: what each engine decides for each resource and policy, as an admission verdict.
 * The policy's mode maps an engine outcome to a verdict: a violation under `enforce` denies;
 * under `audit`/`warn` the object is allowed and the violations are listed (what the API server
 * does with audit annotations and warnings); an engine error is an error (adapters have already
 * applied failurePolicy where their engine has one).
 */
import type { AdmissionContext, Mode } from '@podsec/ir';
import type { LoadedResource } from './fixtures/resources.js';
import type { EngineAdapter, EngineDecision, EngineId, LoadedBuild } from './types.js';

export type Verdict = 'allow' | 'deny' | 'error';

export interface EvalRow {
  /** `file#index Kind/namespace/name`. */
  resource: string;
  policy: string;
  engine: EngineId;
  verdict: Verdict;
  violations: { rule: string; message: string }[];
  error?: string;
}

const VIOLATION_VERDICT: Readonly<Record<Mode, Verdict>> = { enforce: 'deny', audit: 'allow', warn: 'allow' };

export function verdictOf(decision: EngineDecision, mode: Mode): Verdict {
  if (decision.outcome === 'error') return 'error';
  return decision.outcome === 'violated' ? VIOLATION_VERDICT[mode] : 'allow';
}

export function evaluateResources(
  build: LoadedBuild,
  adapters: readonly EngineAdapter[],
  resources: readonly LoadedResource[],
  ctx: AdmissionContext = {},
): EvalRow[] {
  const rows: EvalRow[] = [];
  for (const r of resources) rows.push(...evaluateResource(build, adapters, r, ctx));
  return rows;
}

/** The rows of one resource: callers that stream output hold one resource's rows at a time. */
export function evaluateResource(build: LoadedBuild, adapters: readonly EngineAdapter[], r: LoadedResource, ctx: AdmissionContext = {}): EvalRow[] {
  const rows: EvalRow[] = [];
  const policies = [...build.irs.keys()];
  for (const adapter of adapters) {
    let decisions: EngineDecision[];
    try {
      decisions = adapter.evaluate(r.object, ctx, policies);
    } catch (e) {
      const error = `the ${adapter.id} adapter threw: ${e instanceof Error ? e.message : String(e)}`;
      decisions = policies.map((policy) => ({ engine: adapter.id, policy, outcome: 'error', violations: [], error }));
    }
    const byPolicy = new Map(decisions.map((d) => [d.policy, d]));
    for (const policy of policies) {
      const d = byPolicy.get(policy) ?? {
        engine: adapter.id,
        policy,
        outcome: 'error' as const,
        violations: [],
        error: `the ${adapter.id} adapter returned no decision`,
      };
      rows.push({
        resource: r.name,
        policy,
        engine: adapter.id,
        verdict: verdictOf(d, build.irs.get(policy)!.mode),
        violations: d.violations.map((v) => ({ rule: v.rule, message: v.message })),
        ...(d.error ? { error: d.error } : {}),
      });
    }
  }
  return rows;
}
