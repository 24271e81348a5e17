/**
 * Reference semantics of the IR: a direct interpreter over plain JSON objects. It is the oracle
 * that fixture generators label Pods with and that `podsec verify` compares every engine to, so
 * it favours obviousness over speed. Explicit JSON `null` counts as absent, as the API server
 * drops nulls before admission sees an object.
 */
import { CONTAINER_KINDS, fieldSpec, podKindSpec, POD_KINDS, RUNTIME_CLASS_PATH, servedApiVersion } from './fields.js';
import { globToRegExp } from './glob.js';
import type { Check, ContainerKind, LabelSelector, PodKind, PolicyIR, Predicate, Scalar, TestedPredicate } from './types.js';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: Json): boolean => v !== undefined && v !== null;

export function readPath(root: Json, path: readonly string[]): Json {
  let cur = root;
  for (const key of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * Upper-cases ASCII letters and strips `CAP_`, so `sys_admin` and `CAP_SYS_ADMIN` name one
 * capability. ASCII only, like CEL's upperAscii: full Unicode case mapping would turn `ſys_admin`
 * into SYS_ADMIN, which no container runtime accepts as a capability name.
 */
export function normalizeCapability(v: Scalar): Scalar {
  return typeof v === 'string' ? v.replace(/[a-z]+/g, (m) => m.toUpperCase()).replace(/^CAP_/, '') : v;
}

export function testPredicate(pred: Predicate, v: Json): boolean {
  const list = Array.isArray(v) ? v : undefined;
  switch (pred.op) {
    case 'equals':
      return v === pred.value;
    case 'in':
      return pred.values.some((x) => x === v);
    case 'notIn':
      return !pred.values.some((x) => x === v);
    case 'range':
      return typeof v === 'number' && (pred.min === undefined || v >= pred.min) && (pred.max === undefined || v <= pred.max);
    case 'present':
      return true;
    case 'absent':
      return false;
    case 'prefix':
      return typeof v === 'string' && v.startsWith(pred.value);
    case 'glob':
      return typeof v === 'string' && globToRegExp(pred.value).test(v);
    case 'subsetOf': {
      const norm = pred.normalize === 'capability' ? normalizeCapability : (x: Scalar) => x;
      const allowed = new Set(pred.values.map(norm));
      return !!list && list.every((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && allowed.has(norm(x)));
    }
    case 'containsAll':
      return !!list && pred.values.every((x) => list.includes(x));
    case 'containsNone': {
      const norm = pred.normalize === 'capability' ? normalizeCapability : (x: Scalar) => x;
      const denied = new Set(pred.values.map(norm));
      return !!list && !list.some((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && denied.has(norm(x)));
    }
    case 'hasAnyKey':
      return isObj(v) && pred.values.some((k) => Object.hasOwn(v, k));
    case 'and':
      return pred.of.every((p) => testPredicate(p, v));
    case 'or':
      return pred.of.some((p) => testPredicate(p, v));
    case 'not':
      return !testPredicate(pred.pred, v);
  }
}

export function testValue(t: TestedPredicate, v: Json): boolean {
  return present(v) ? testPredicate(t.pred, v) : t.absent === 'pass';
}

/** A container together with where it sits, so violations can name it. */
export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  container: Obj;
}

export function containersOf(template: Json, kinds: readonly ContainerKind[] = CONTAINER_KINDS): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const kind of kinds) {
    const list = readPath(template, ['spec', kind]);
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => out.push({ kind, index, container: isObj(c) ? c : {} }));
  }
  return out;
}

export function evaluateCheck(check: Check, template: Json): boolean {
  switch (check.kind) {
    case 'all':
      return check.checks.every((c) => evaluateCheck(c, template));
    case 'any':
      return check.checks.some((c) => evaluateCheck(c, template));
    case 'not':
      return !evaluateCheck(check.check, template);
    case 'field': {
      const spec = fieldSpec(check.field);
      if (check.scope === 'pod') return testValue(check, readPath(template, spec.pod ?? []));
      const podValue = spec.pod ? readPath(template, spec.pod) : undefined;
      return containersOf(template, check.containers).every(({ container }) => {
        const own = readPath(container, spec.container ?? []);
        return testValue(check, check.scope === 'effective' && !present(own) ? podValue : own);
      });
    }
    case 'each': {
      const spec = fieldSpec(check.field);
      const lists =
        check.scope === 'pod'
          ? [readPath(template, spec.pod ?? [])]
          : containersOf(template, check.containers).map(({ container }) => readPath(container, spec.container ?? []));
      return lists.every((list) => !Array.isArray(list) || list.every((item) => testValue(check, readPath(item, check.path))));
    }
    case 'entries': {
      const map = readPath(template, fieldSpec(check.field).pod ?? []);
      if (!isObj(map)) return true;
      return Object.entries(map).every(([k, v]) => !k.startsWith(check.keyPrefix) || testPredicate(check.pred, v));
    }
  }
}

/**
 * The Pod template ({metadata, spec}) of a Pod or Pod controller, or undefined for other kinds.
 * `served` says whether the object's apiVersion is the one podsec reviews the kind at
 * (servedApiVersion); an object at any other version is never reviewed.
 */
export function podTemplateOf(object: Json): { kind: PodKind; template: Json; served: boolean } | undefined {
  const kind = readPath(object, ['kind']);
  const spec = POD_KINDS.find((k) => k.kind === kind);
  if (!spec) return undefined;
  const served = readPath(object, ['apiVersion']) === servedApiVersion(spec);
  return { kind: spec.kind, template: spec.template.length ? readPath(object, spec.template) : object, served };
}

export interface AdmissionContext {
  operation?: 'CREATE' | 'UPDATE';
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  username?: string;
  /** The request's subresource: only `ephemeralcontainers` of a Pod carries a Pod spec to review. */
  subResource?: string;
  /** The object before an UPDATE: engines receive it; the semantics decide on the new object alone, as PSA does. */
  oldObject?: unknown;
  groups?: readonly string[];
}

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: readonly string[];
}

/** One matchExpressions requirement, with Kubernetes semantics (NotIn holds when the label is absent). */
export function labelRequirementHolds(labels: Readonly<Record<string, string>>, req: LabelRequirement): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && (req.values ?? []).includes(labels[req.key]!);
    case 'NotIn':
      return !has || !(req.values ?? []).includes(labels[req.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabels && (selector.matchExpressions ?? []).every((e) => labelRequirementHolds(labels, e));
}

function stringMap(v: Json): Record<string, string> {
  return isObj(v) ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>) : {};
}

export type ReferenceVerdict = { applies: false; reason: string } | { applies: true; violated: boolean; violations: { rule: string; message: string }[] };

/** What the policy decides for an object, per the IR's semantics. */
export function evaluatePolicy(policy: PolicyIR, object: Json, ctx: AdmissionContext = {}): ReferenceVerdict {
  const pod = podTemplateOf(object);
  if (!pod || !policy.match.kinds.includes(pod.kind)) return { applies: false, reason: 'kind not matched' };
  if (!pod.served) return { applies: false, reason: 'apiVersion not served' };
  if (!policy.match.operations.includes(ctx.operation ?? 'CREATE')) return { applies: false, reason: 'operation not matched' };
  if (ctx.subResource && !(ctx.subResource === 'ephemeralcontainers' && pod.kind === 'Pod')) return { applies: false, reason: 'subresource not matched' };
  const ns = ctx.namespace ?? (readPath(object, ['metadata', 'namespace']) as string | undefined) ?? 'default';
  const { include, exclude } = policy.match.namespaces;
  if (include.length && !include.includes(ns)) return { applies: false, reason: 'namespace not included' };
  if (exclude.includes(ns)) return { applies: false, reason: 'namespace excluded' };
  if (policy.exemptions.namespaces.includes(ns)) return { applies: false, reason: 'namespace exempt' };
  if (ctx.username !== undefined && policy.exemptions.usernames.includes(ctx.username)) return { applies: false, reason: 'user exempt' };
  const runtimeClass = readPath(pod.template, RUNTIME_CLASS_PATH);
  if (typeof runtimeClass === 'string' && policy.exemptions.runtimeClasses.includes(runtimeClass)) return { applies: false, reason: 'runtimeClass exempt' };
  if (!selectorMatches(policy.match.namespaceSelector, ctx.namespaceLabels ?? {})) return { applies: false, reason: 'namespaceSelector not matched' };
  if (!selectorMatches(policy.match.objectSelector, stringMap(readPath(object, ['metadata', 'labels']))))
    return { applies: false, reason: 'objectSelector not matched' };
  const violations = policy.rules
    .filter((r) => (r.when ? evaluateCheck(r.when, pod.template) : true) && !evaluateCheck(r.require, pod.template))
    .map((r) => ({ rule: r.id, message: r.message }));
  return { applies: true, violated: violations.length > 0, violations };
}

export { podKindSpec };
