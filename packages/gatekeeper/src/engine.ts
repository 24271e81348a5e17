/**
 * What Gatekeeper runs for one ConstraintTemplate + Constraint on one admission review: the
 * Constraint's `match` decides whether the template's Rego runs at all; the Rego then sees
 * `input.review` (the AdmissionRequest) and `input.parameters` (the Constraint's), and its
 * `violation` set is acted on per the Constraint's enforcement action. `podsec test gator` and
 * `podsec verify`'s `gatekeeper` engine both run through here.
 */
import { buildWasm, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { GatekeeperArtifactError, type ConstraintSource, type TemplateSource } from './artifacts.js';
import { matchMiss, type MatchMiss, type ObjectRef } from './match.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface TemplateProgram {
  template: TemplateSource;
  entrypoint: string;
  policy: RegoPolicy;
  compiler: 'opa' | 'podsec';
}

/** The template's Rego and libs compiled to Wasm (`opa build` when an opa binary is configured, else podsec's compiler). */
/** The entrypoint of a template's `violation` set, in its module or in one that merges many templates. */
export const templateEntrypoint = (template: TemplateSource): string => `${template.packageName.replace(/\./g, '/')}/violation`;

export async function compileTemplate(template: TemplateSource): Promise<TemplateProgram> {
  const entrypoint = templateEntrypoint(template);
  const sources = [
    { path: `${template.file}#${template.at}`, text: template.rego },
    ...template.libs.map((text, i) => ({ path: `${template.file}#${template.at.replace(/\.rego$/, '')}.libs[${i}]`, text })),
  ];
  const built = buildWasm(sources, { entrypoints: [entrypoint] });
  const policy = await loadRegoPolicy(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages });
  return { template, entrypoint, policy, compiler: built.compiler };
}

/** The object a review is about, as `match` sees it. */
export function objectRef(review: Obj): ObjectRef {
  const kind = isObj(review.kind) ? review.kind : {};
  const obj = isObj(review.object) ? review.object : isObj(review.oldObject) ? review.oldObject : {};
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const labels = isObj(meta.labels) ? (meta.labels as Record<string, string>) : {};
  const ns = typeof review.namespace === 'string' && review.namespace ? review.namespace : typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const name = typeof review.name === 'string' && review.name ? review.name : typeof meta.name === 'string' ? meta.name : undefined;
  const nsObj = isObj(review.namespaceObject) && isObj(review.namespaceObject.metadata) ? review.namespaceObject.metadata : undefined;
  const namespaceLabels = nsObj && isObj(nsObj.labels) ? (nsObj.labels as Record<string, string>) : undefined;
  return { group: String(kind.group ?? ''), kind: String(kind.kind ?? ''), name, namespace: ns, labels, ...(namespaceLabels ? { namespaceLabels } : {}) };
}

export interface Violation {
  msg: string;
  details?: unknown;
}

export type ReviewResult = { status: 'skip'; miss: MatchMiss } | { status: 'evaluated'; violations: Violation[] };

/**
 * Runs one constraint on one review. `inventory` is Gatekeeper's synced data (`data.inventory`),
 * set only when given so a program reused across reviews keeps the last one otherwise.
 */
export function reviewConstraint(program: TemplateProgram, constraint: ConstraintSource, review: Obj, inventory?: Obj): ReviewResult {
  const miss = matchMiss(constraint.match, objectRef(review));
  if (miss) return { status: 'skip', miss };
  if (inventory) program.policy.setData(inventory);
  const rs = program.policy.evaluate({ review, parameters: constraint.parameters }, program.entrypoint);
  const set = rs[0]?.result;
  const violations = Array.isArray(set)
    ? set.map((v) => ({
        msg: isObj(v) && typeof v.msg === 'string' ? v.msg : JSON.stringify(v),
        ...(isObj(v) && v.details !== undefined ? { details: v.details } : {}),
      }))
    : [];
  return { status: 'evaluated', violations };
}

/** What the admission webhook does with a violation; `audit` is the audit controller's report only. */
export type AdmissionEffect = 'deny' | 'warn' | 'audit' | 'allow';

export interface EffectiveAction {
  effect: AdmissionEffect;
  /** Where in the constraint the action was read, e.g. `spec.enforcementAction`. */
  path: string;
  /** The value found there. */
  found: string;
}

const VALIDATION_POINT = 'validation.gatekeeper.sh';
const AUDIT_POINT = 'audit.gatekeeper.sh';
const EFFECT: Readonly<Record<string, AdmissionEffect>> = { deny: 'deny', warn: 'warn', dryrun: 'audit' };
const STRENGTH: readonly AdmissionEffect[] = ['deny', 'warn', 'audit'];

/**
 * The constraint's action at admission. `scoped` takes the actions listed for the validation
 * webhook (or `*`): deny wins over warn over dryrun; a constraint scoped to audit only is `audit`.
 */
export function effectiveAction(c: ConstraintSource): EffectiveAction {
  const unknown = (path: string, v: string) =>
    new GatekeeperArtifactError(`${c.file}: ${path}: unrecognised enforcement action ${JSON.stringify(v)}; use deny, warn, dryrun or scoped`);
  if (c.enforcementAction !== 'scoped') {
    const effect = EFFECT[c.enforcementAction];
    if (!effect) throw unknown('spec.enforcementAction', c.enforcementAction);
    return { effect, path: 'spec.enforcementAction', found: c.enforcementAction };
  }
  let best: EffectiveAction | undefined;
  let audited: EffectiveAction | undefined;
  c.scopedEnforcementActions.forEach((s, i) => {
    const path = `spec.scopedEnforcementActions[${i}].action`;
    const effect = EFFECT[s.action];
    if (!effect) throw unknown(path, s.action);
    const points = s.enforcementPoints.map((p) => p.name);
    if (points.includes(VALIDATION_POINT) || points.includes('*')) {
      if (!best || STRENGTH.indexOf(effect) < STRENGTH.indexOf(best.effect)) best = { effect, path, found: s.action };
    } else if (points.includes(AUDIT_POINT)) audited ??= { effect: 'audit', path, found: `${s.action} at ${AUDIT_POINT}` };
  });
  return best ?? audited ?? { effect: 'allow', path: 'spec.scopedEnforcementActions', found: `no action for ${VALIDATION_POINT}` };
}
