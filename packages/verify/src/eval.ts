/**
 * `podsec eval`: what each engine decides for each resource and policy, as an admission action
 * read from the artifact itself (Kyverno failureAction, VAP binding and ValidatingPolicy
 * validationActions, Gatekeeper enforcementAction): deny, warn, audit, allow, or skip when the
 * policy does not apply. Only `deny` rejects the resource; an engine error is an error (adapters
 * have already applied failurePolicy where their engine has one).
 */
import type { AdmissionContext, Mode } from '@podsec/ir';
import { MODE_ACTION } from './adapters/admission.js';
import type { LoadedResource } from './fixtures/resources.js';
import type { ActionSource, AdmissionAction, EngineAdapter, EngineDecision, EngineId, LoadedBuild } from './types.js';

export type Verdict = 'allow' | 'deny' | 'error';

export interface EvalRow {
  /** `file#index Kind/namespace/name`. */
  resource: string;
  policy: string;
  engine: EngineId;
  /** Whether the resource is admitted: only `deny` rejects it. */
  verdict: Verdict;
  /** What admission does; absent on error. */
  action?: AdmissionAction;
  /** Where the action was read, or `policy mode` for a plain Rego module, which carries none. */
  actionSource?: ActionSource | 'policy mode';
  skipReason?: string;
  violations: { rule: string; message: string }[];
  error?: string;
}

/** The action of a decision; an engine whose artifact has none (plain Rego) gets the policy's mode. */
export function actionOf(decision: EngineDecision, mode: Mode): AdmissionAction | undefined {
  if (decision.outcome === 'error') return undefined;
  return decision.action ?? (decision.outcome === 'violated' ? MODE_ACTION[mode] : 'allow');
}

export function verdictOf(decision: EngineDecision, mode: Mode): Verdict {
  const action = actionOf(decision, mode);
  return action === undefined ? 'error' : action === 'deny' ? 'deny' : 'allow';
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
      decisions = adapter.evaluate(r.object, { ...ctx, ...r.ctx }, policies);
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
      const mode = build.irs.get(policy)!.mode;
      const action = actionOf(d, mode);
      rows.push({
        resource: r.name,
        policy,
        engine: adapter.id,
        verdict: verdictOf(d, mode),
        ...(action ? { action } : {}),
        ...(d.actionSource ? { actionSource: d.actionSource } : d.outcome === 'violated' && !d.action ? { actionSource: 'policy mode' as const } : {}),
        ...(d.skipReason ? { skipReason: d.skipReason } : {}),
        violations: d.violations.map((v) => ({ rule: v.rule, message: v.message })),
        ...(d.error ? { error: d.error } : {}),
      });
    }
  }
  return rows;
}
