/**
 * Reference semantics of the IR: a direct interpreter over plain JSON objects. It is the oracle
 * that fixture generators label Pods with and that `podsec verify` compares every engine to, so
 * it favours obviousness over speed. Explicit JSON `null` counts as absent, as the API server
 * drops nulls before admission sees an object.
 */
import { CONTAINER_KINDS, fieldSpec, podKindSpec, POD_KINDS, RUNTIME_CLASS_PATH, servedApiVersion } from './fields.js';
import { globToRegExp } from './glob.js';
import { joinContainerMessages, MESSAGE_CONTAINER_ORDER, renderRuleMessage } from './message.js';
import { effectiveValues, pathPrefixMatches, readParam, wildcardMatches } from './params.js';
import type {
  Check,
  ContainerKind,
  LabelSelector,
  MessagePart,
  ParamValues,
  PodKind,
  PolicyIR,
  Predicate,
  Ref,
  RefComparison,
  Rule,
  Scalar,
  TestedPredicate,
} from './types.js';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: Json): boolean => v !== undefined && v !== null;

export function readPath(root: Json, path: readonly string[]): Json {
  let cur = root;
  for (let i = 0; i < path.length; i++) {
    if (!isObj(cur)) return undefined;
    cur = cur[path[i]!];
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

/**
 * What references resolve against: the instance's effective parameter values, the values bound
 * by enclosing `some`/`items`, and the image patterns whose containers are exempt.
 */
export interface Env {
  params: ParamValues;
  vars: Readonly<Record<string, Json>>;
  exemptImages: readonly string[];
  /**
   * When set, container-scoped checks see this container only (`null`: no container at all);
   * offendingContainers evaluates a rule this way to find the containers a message names.
   */
  focus?: ContainerRef | null;
}

export const EMPTY_ENV: Env = { params: {}, vars: {}, exemptImages: [] };

/** The value a reference names, or undefined (JSON null counts as absent). */
export function resolveRef(ref: Ref, env: Env): Json {
  if ('param' in ref) return readParam(env.params, ref);
  const v = readPath(env.vars[ref.var], ref.path);
  return present(v) ? v : undefined;
}

const isScalar = (x: Json): x is Scalar => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
const scalarList = (x: Json): Scalar[] | undefined => (Array.isArray(x) && x.every(isScalar) ? x : undefined);
const stringList = (x: Json): string[] | undefined => (Array.isArray(x) && x.every((e) => typeof e === 'string') ? x : undefined);

/**
 * The literal predicate a `ref` predicate means once its operand `r` is known, or undefined when
 * `r` has the wrong type (then the predicate fails: fail closed). bindParameters uses the same
 * table, so the bound IR and the reference cannot drift apart.
 */
export function literalForRef(cmp: RefComparison, r: Json, ignore: readonly string[] = []): Predicate | undefined {
  switch (cmp) {
    case 'equals':
      return isScalar(r) ? { op: 'equals', value: r } : undefined;
    case 'in':
    case 'notIn':
    case 'subsetOf':
    case 'containsAll':
    case 'containsNone': {
      const values = scalarList(r);
      return values ? ({ op: cmp, values: [...values] } as Predicate) : undefined;
    }
    case 'min':
      return typeof r === 'number' ? { op: 'range', min: r } : undefined;
    case 'max':
      return typeof r === 'number' ? { op: 'range', max: r } : undefined;
    case 'prefix':
    case 'wildcard':
    case 'pathPrefix':
      return typeof r === 'string' ? { op: cmp, value: r } : undefined;
    case 'keysIn': {
      const values = stringList(r);
      return values ? { op: 'keysIn', values: [...values], ignore: [...ignore] } : undefined;
    }
  }
}

/*
 * Verify asks the reference about every fixture × policy: what depends only on the IR (a glob's
 * RegExp, a predicate's value set, a policy's environment) is derived once per IR node, not per
 * object. Keyed by the node itself, so an IR that is dropped takes its entries with it.
 */
const globs = new Map<string, RegExp>();
function globRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) globs.set(glob, (re = globToRegExp(glob)));
  return re;
}
const valueSets = new WeakMap<object, ReadonlySet<Scalar>>();
/** The predicate's values, normalised by `norm` (the same function every time for one predicate). */
function valueSet(pred: { values: readonly Scalar[] }, norm: (x: Scalar) => Scalar): ReadonlySet<Scalar> {
  let set = valueSets.get(pred);
  if (!set) valueSets.set(pred, (set = new Set(pred.values.map(norm))));
  return set;
}

const refLiterals = new WeakMap<object, { to: Json; literal: Predicate | undefined }>();
/** literalForRef, reused while the operand is the same value (a parameter: the same every object). */
function refLiteral(pred: Extract<Predicate, { op: 'ref' }>, to: Json): Predicate | undefined {
  const last = refLiterals.get(pred);
  if (last && last.to === to) return last.literal;
  const literal = literalForRef(pred.cmp, to, pred.ignore);
  refLiterals.set(pred, { to, literal });
  return literal;
}

export function testPredicate(pred: Predicate, v: Json, env: Env = EMPTY_ENV): boolean {
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
      return typeof v === 'string' && globRegExp(pred.value).test(v);
    case 'subsetOf': {
      const norm = pred.normalize === 'capability' ? normalizeCapability : (x: Scalar) => x;
      const allowed = valueSet(pred, norm);
      return !!list && list.every((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && allowed.has(norm(x)));
    }
    case 'containsAll':
      return !!list && pred.values.every((x) => list.includes(x));
    case 'containsNone': {
      const norm = pred.normalize === 'capability' ? normalizeCapability : (x: Scalar) => x;
      const denied = valueSet(pred, norm);
      return !!list && !list.some((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && denied.has(norm(x)));
    }
    case 'hasAnyKey':
      return isObj(v) && pred.values.some((k) => Object.hasOwn(v, k));
    case 'wildcard':
      return typeof v === 'string' && wildcardMatches(pred.value, v);
    case 'pathPrefix':
      return typeof v === 'string' && pathPrefixMatches(pred.value, v);
    case 'keysIn': {
      const allowed = valueSet(pred, (x) => x);
      return isObj(v) && Object.keys(v).every((k) => pred.ignore.includes(k) || allowed.has(k));
    }
    case 'at':
      return isObj(v) && testValue(pred, readPath(v, pred.path), env);
    case 'ref': {
      const literal = refLiteral(pred, resolveRef(pred.to, env));
      return literal !== undefined && testPredicate(literal, v, env);
    }
    case 'some': {
      const options = resolveRef(pred.in, env);
      return Array.isArray(options) && options.some((e) => testPredicate(pred.pred, v, bind(env, pred.as, e)));
    }
    case 'and':
      return pred.of.every((p) => testPredicate(p, v, env));
    case 'or':
      return pred.of.some((p) => testPredicate(p, v, env));
    case 'not':
      return !testPredicate(pred.pred, v, env);
  }
}

export function testValue(t: TestedPredicate, v: Json, env: Env = EMPTY_ENV): boolean {
  return present(v) ? testPredicate(t.pred, v, env) : t.absent === 'pass';
}

// Literals rather than spreads here and in withFocus: on Node 20 a spread into a literal with
// more fields costs microseconds, and the reference runs on every fixture × policy.
function bind(env: Env, name: string, value: Json): Env {
  const vars: Record<string, Json> = Object.assign({}, env.vars);
  vars[name] = value;
  return { params: env.params, vars, exemptImages: env.exemptImages, focus: env.focus };
}

function withFocus(env: Env, focus: ContainerRef | null): Env {
  return { params: env.params, vars: env.vars, exemptImages: env.exemptImages, focus };
}

/** A container is exempt when its image matches one of the policy's exemptImages patterns. */
export function isExemptImage(container: Json, patterns: readonly string[]): boolean {
  const image = readPath(container, ['image']);
  return typeof image === 'string' && patterns.some((p) => wildcardMatches(p, image));
}

/** A container together with where it sits, so violations can name it. */
export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  container: Obj;
}

export function containersOf(template: Json, kinds: readonly ContainerKind[] = CONTAINER_KINDS): ContainerRef[] {
  const out: ContainerRef[] = [];
  const spec = isObj(template) ? template.spec : undefined;
  if (!isObj(spec)) return out;
  for (const kind of kinds) {
    const list = spec[kind];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const c: Json = list[index];
      out.push({ kind, index, container: isObj(c) ? c : {} });
    }
  }
  return out;
}

/** The non-exempt containers of the given kinds. */
function checkedContainers(template: Json, kinds: readonly ContainerKind[] | undefined, env: Env): ContainerRef[] {
  const { focus } = env;
  if (focus === null) return [];
  const all = focus ? containersOf(template, kinds).filter((c) => c.kind === focus.kind && c.index === focus.index) : containersOf(template, kinds);
  return env.exemptImages.length ? all.filter(({ container }) => !isExemptImage(container, env.exemptImages)) : all;
}

/** Whether a rule's message names its offending containers (it has a `detail` or a `containerMessage`). */
export const namesContainers = (rule: Pick<Rule, 'detail' | 'containerMessage'>): boolean => Boolean(rule.detail || rule.containerMessage);

/**
 * The containers a violated rule's message names (see message.ts): those for which `require`
 * fails when container-scoped checks see that container alone, in MESSAGE_CONTAINER_ORDER; none
 * when the rule names no containers, or when `require` fails even with no container (a pod-level fault).
 */
export function offendingContainerRefs(rule: Pick<Rule, 'require' | 'detail' | 'containerMessage'>, template: Json, env: Env): ContainerRef[] {
  if (!namesContainers(rule) || !evaluateCheck(rule.require, template, withFocus(env, null))) return [];
  return containersOf(template, MESSAGE_CONTAINER_ORDER).filter((c) => !evaluateCheck(rule.require, template, withFocus(env, c)));
}

const stringOr = (v: Json): string => (typeof v === 'string' ? v : '');
const containerName = (container: Json): string => stringOr(readPath(container, ['name']));

/** The names of offendingContainerRefs (an unnamed container: the empty string). */
export function offendingContainers(rule: Pick<Rule, 'require' | 'detail' | 'containerMessage'>, template: Json, env: Env): string[] {
  return offendingContainerRefs(rule, template, env).map(({ container }) => containerName(container));
}

/** One container's text of a `containerMessage`: each part's string value, '' when unset or not a string. */
export function renderContainerMessage(parts: readonly MessagePart[], template: Json, container: Json): string {
  const annotations = readPath(template, fieldSpec('annotations').pod ?? []);
  const annotation = (key: string) => stringOr(readPath(annotations, [key]));
  return parts
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text;
        case 'containerName':
          return containerName(container);
        case 'field':
          return stringOr(
            part.scope === 'pod' ? readPath(template, fieldSpec(part.field).pod ?? []) : readPath(container, fieldSpec(part.field).container ?? []),
          );
        case 'annotation':
          return annotation(part.key);
        case 'containerAnnotation':
          return annotation(part.keyPrefix + containerName(container));
      }
    })
    .join('');
}

/** The text every engine must report for a violated rule. */
export function violationMessage(rule: Rule, template: Json, env: Env): string {
  const offending = offendingContainerRefs(rule, template, env);
  const parts = rule.containerMessage;
  if (parts)
    return joinContainerMessages(
      rule,
      offending.map(({ container }) => renderContainerMessage(parts, template, container)),
    );
  return renderRuleMessage(
    rule,
    offending.map(({ container }) => containerName(container)),
  );
}

/** The lists a list-field check visits: the pod's, or each checked container's. */
function listsOf(check: { field: string; scope: 'pod' | 'container'; containers?: ContainerKind[] }, template: Json, env: Env): Json[] {
  const spec = fieldSpec(check.field);
  return check.scope === 'pod'
    ? [readPath(template, spec.pod ?? [])]
    : checkedContainers(template, check.containers, env).map(({ container }) => readPath(container, spec.container ?? []));
}

export function evaluateCheck(check: Check, template: Json, env: Env = EMPTY_ENV): boolean {
  switch (check.kind) {
    case 'all':
      return check.checks.every((c) => evaluateCheck(c, template, env));
    case 'any':
      return check.checks.some((c) => evaluateCheck(c, template, env));
    case 'not':
      return !evaluateCheck(check.check, template, env);
    case 'field': {
      const spec = fieldSpec(check.field);
      if (check.scope === 'pod') return testValue(check, readPath(template, spec.pod ?? []), env);
      const podValue = spec.pod ? readPath(template, spec.pod) : undefined;
      return checkedContainers(template, check.containers, env).every(({ container }) => {
        const own = readPath(container, spec.container ?? []);
        return testValue(check, check.scope === 'effective' && !present(own) ? podValue : own, env);
      });
    }
    case 'each':
      return listsOf(check, template, env).every((list) => !Array.isArray(list) || list.every((item) => testValue(check, readPath(item, check.path), env)));
    case 'entries': {
      const map = readPath(template, fieldSpec(check.field).pod ?? []);
      if (!isObj(map)) return true;
      return Object.entries(map).every(([k, v]) => !k.startsWith(check.keyPrefix) || testPredicate(check.pred, v, env));
    }
    case 'items':
      return listsOf(check, template, env).every(
        (list) => !Array.isArray(list) || list.every((item) => evaluateCheck(check.check, template, bind(env, check.as, item))),
      );
    case 'value':
      return testValue(check, resolveRef(check.of, env), env);
    case 'some': {
      const options = resolveRef(check.in, env);
      return Array.isArray(options) && options.some((e) => evaluateCheck(check.check, template, bind(env, check.as, e)));
    }
    case 'containerAnnotation': {
      const map = readPath(template, fieldSpec('annotations').pod ?? []);
      return checkedContainers(template, check.containers, env).every(({ container }) => {
        const name = readPath(container, ['name']);
        return testValue(check, isObj(map) && typeof name === 'string' ? map[check.keyPrefix + name] : undefined, env);
      });
    }
    case 'const':
      return check.holds;
  }
}

const ownEnvs = new WeakMap<PolicyIR, Env>();

/** The environment a policy instance is evaluated in: its effective values and exempt images. */
export function policyEnv(policy: PolicyIR, values?: ParamValues): Env {
  if (values !== undefined) return instanceEnv(policy, values);
  // Read-only for every caller (bind copies), so one per policy serves every object.
  let env = ownEnvs.get(policy);
  if (!env) ownEnvs.set(policy, (env = instanceEnv(policy, undefined)));
  return env;
}

function instanceEnv(policy: PolicyIR, values: ParamValues | undefined): Env {
  const params = effectiveValues(policy, values ?? policy.values);
  const exempt = policy.exemptImages === undefined ? [] : Array.isArray(policy.exemptImages) ? policy.exemptImages : readParam(params, policy.exemptImages);
  return { params, vars: {}, exemptImages: stringList(exempt) ?? [] };
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

/**
 * What the policy decides for an object, per the IR's semantics, with the instance's parameter
 * values (`values`, else the policy's own `values`, with defaults for what neither sets).
 */
export function evaluatePolicy(policy: PolicyIR, object: Json, ctx: AdmissionContext = {}, values?: ParamValues): ReferenceVerdict {
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
  const env = policyEnv(policy, values);
  const violations = policy.rules
    .filter((r) => (r.when ? evaluateCheck(r.when, pod.template, env) : true) && !evaluateCheck(r.require, pod.template, env))
    .map((r) => ({ rule: r.id, message: violationMessage(r, pod.template, env) }));
  return { applies: true, violated: violations.length > 0, violations };
}

export { podKindSpec };
