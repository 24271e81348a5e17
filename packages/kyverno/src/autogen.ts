/**
 * Auto-generation of Pod-controller rules — Kyverno's pkg/autogen/v1. A rule matching Pods is copied as
 * `autogen-<rule>` for DaemonSet/Deployment/Job/StatefulSet/ReplicaSet/ReplicationController (the Pod pattern
 * nested under `spec.template`) and `autogen-cronjob-<rule>` for CronJob (`spec.jobTemplate.spec.template`).
 * Expressions are rewritten textually (`request.object.spec` → `request.object.spec.template.spec`, …) over
 * the whole rule, exactly as upstream does on the rule's JSON — messages, context and literals included.
 * Version notes: this is autogen v1 as of kyverno/kyverno @ 111e07bb; recent Kyverno versions keep the
 * generated rules in the policy's `status.autogen` rather than its spec, which changes where they are shown,
 * not what they decide. ValidatingPolicies use autogen v2 (not this module).
 */
import { clone, isObject, type JsonObject } from './json.js';
import { containsKind } from './kinds.js';

export const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'] as const;
export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

const GVK: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
  Pod: 'v1/Pod',
};
const NON_CRON_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

type Replacement = readonly [string, string];
const REPLACEMENTS: Record<'pod' | 'cronjob', { jmes: Replacement[]; cel: Replacement[] }> = {
  pod: {
    jmes: [
      ['request.object.spec', 'request.object.spec.template.spec'],
      ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
      ['request.object.metadata', 'request.object.spec.template.metadata'],
      ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
    ],
    cel: [
      ['object.spec', 'object.spec.template.spec'],
      ['oldObject.spec', 'oldObject.spec.template.spec'],
      ['object.metadata', 'object.spec.template.metadata'],
      ['oldObject.metadata', 'oldObject.spec.template.metadata'],
    ],
  },
  cronjob: {
    jmes: [
      ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
      ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
      ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
      ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
    ],
    cel: [
      ['object.spec', 'object.spec.jobTemplate.spec.template.spec'],
      ['oldObject.spec', 'oldObject.spec.jobTemplate.spec.template.spec'],
      ['object.metadata', 'object.spec.jobTemplate.spec.template.metadata'],
      ['oldObject.metadata', 'oldObject.spec.jobTemplate.spec.template.metadata'],
    ],
  },
};

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function descriptions(block: unknown): JsonObject[] {
  if (!isObject(block)) return [];
  const out: JsonObject[] = [];
  if (isObject(block['resources'])) out.push(block['resources']);
  for (const k of ['any', 'all'] as const) for (const f of list(block[k])) if (isObject(f['resources'])) out.push(f['resources']);
  return out;
}

function allKinds(block: unknown): string[] {
  return descriptions(block).flatMap((d) => strs(d['kinds']));
}

/** CanAutoGen: no name/selector/annotation filters, no multi-kind lists with Pod, and some Pod-ish kind. */
function canAutogen(rules: JsonObject[]): boolean {
  let needed = false;
  const podish = new Set<string>(['Pod', ...POD_CONTROLLERS]);
  for (const rule of rules) {
    for (const d of [...descriptions(rule['match']), ...descriptions(rule['exclude'])]) {
      const kinds = strs(d['kinds']);
      if ((typeof d['name'] === 'string' && d['name'] !== '') || strs(d['names']).length > 0 || d['selector'] != null || d['annotations'] != null) return false;
      if (kinds.length > 1 && containsKind(kinds, 'Pod')) return false;
      if (kinds.some((k) => podish.has(k))) needed = true;
    }
  }
  return needed;
}

function ruleName(prefix: string, name: string): string {
  return `${prefix}-${name}`.slice(0, 63);
}

/**
 * getAnyAllAutogenRule (controllers: filters that name Pod get the controller kinds) and the CronJob
 * variant (every filter gets CronJob — also one with only `subjects`, whose Go struct always has a
 * resource description to set the kinds in).
 */
function rewriteFilters(filters: JsonObject[], kinds: string[], onlyWithPod: boolean): JsonObject[] {
  return filters.map((f) => {
    const copy = clone(f);
    const res = isObject(copy['resources']) ? copy['resources'] : onlyWithPod ? undefined : (copy['resources'] = {});
    if (res && (!onlyWithPod || containsKind(strs(res['kinds']), 'Pod'))) res['kinds'] = kinds.map((k) => GVK[k] ?? k);
    return copy;
  });
}

function rewriteMatch(block: JsonObject, kinds: string[], onlyWithPod: boolean, isExclude: boolean): JsonObject {
  const out = clone(block);
  if (list(out['any']).length > 0) out['any'] = rewriteFilters(list(out['any']), kinds, onlyWithPod);
  else if (list(out['all']).length > 0) out['all'] = rewriteFilters(list(out['all']), kinds, onlyWithPod);
  else {
    const res = isObject(out['resources']) ? out['resources'] : (out['resources'] = {});
    if (!isExclude || strs(res['kinds']).length > 0) res['kinds'] = kinds.map((k) => GVK[k] ?? k);
  }
  return out;
}

const VALIDATION_CARRIED = ['message', 'failureAction', 'failureActionOverrides', 'allowExistingViolations'] as const;

function carried(validate: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of VALIDATION_CARRIED) if (validate[k] !== undefined) out[k] = clone(validate[k] as JsonObject[string]);
  return out;
}

/** generateRule: nest the Pod pattern under `spec.<tplKey>`; returns undefined for rules autogen cannot carry. */
function generateRule(name: string, rule: JsonObject, tplKey: string, kinds: string[], onlyWithPod: boolean): JsonObject | undefined {
  const out = clone(rule);
  out['name'] = name;
  out['match'] = rewriteMatch(isObject(rule['match']) ? rule['match'] : {}, kinds, onlyWithPod, false);
  if (isObject(rule['exclude'])) out['exclude'] = rewriteMatch(rule['exclude'], kinds, onlyWithPod, true);
  const v = rule['validate'];
  if (!isObject(v)) return undefined;
  const wrap = (p: unknown): JsonObject => ({ spec: { [tplKey]: clone(p) as JsonObject[string] } });
  if (v['pattern'] !== undefined && v['pattern'] !== null) {
    out['validate'] = { ...carried(v), pattern: wrap(v['pattern']) };
  } else if (v['deny'] !== undefined && v['deny'] !== null) {
    out['validate'] = { ...carried(v), deny: clone(v['deny']) };
  } else if (isObject(v['podSecurity'])) {
    out['validate'] = { ...carried(v), podSecurity: clone(v['podSecurity']) };
  } else if (Array.isArray(v['anyPattern'])) {
    out['validate'] = { ...carried(v), anyPattern: v['anyPattern'].map(wrap) };
  } else if (Array.isArray(v['foreach']) && v['foreach'].length > 0) {
    out['validate'] = { ...carried(v), foreach: clone(v['foreach']) };
  } else if (isObject(v['cel'])) {
    out['validate'] = clone(v);
  } else return undefined;
  return out;
}

function applyReplacements(rule: JsonObject, kind: 'pod' | 'cronjob'): JsonObject {
  const v = rule['validate'];
  const cel = isObject(v) && isObject(v['cel']);
  let text = JSON.stringify(rule);
  for (const [from, to] of REPLACEMENTS[kind][cel ? 'cel' : 'jmes']) text = text.split(from).join(to);
  return JSON.parse(text) as JsonObject;
}

function controllerRule(rule: JsonObject, controllers: string[]): JsonObject | undefined {
  const name = typeof rule['name'] === 'string' ? rule['name'] : '';
  if (name.startsWith('autogen-') || controllers.length === 0) return undefined;
  const matchKinds = allKinds(rule['match']);
  const excludeKinds = allKinds(rule['exclude']);
  if (!containsKind(matchKinds, 'Pod') || (excludeKinds.length > 0 && !containsKind(excludeKinds, 'Pod'))) return undefined;
  const validated = controllers.filter((c) => NON_CRON_CONTROLLERS.includes(c));
  const kinds = validated.length > 0 ? validated : [...controllers].sort();
  return generateRule(ruleName('autogen', name), rule, 'template', kinds, true);
}

/** The controllers named by the annotation, or all of them; `none` (or an unsupported policy) disables autogen. */
export function autogenControllers(rules: JsonObject[], annotations: Record<string, string>): string[] {
  if (!canAutogen(rules)) return [];
  const ann = annotations[AUTOGEN_ANNOTATION];
  if (ann === undefined) return [...POD_CONTROLLERS];
  if (ann === 'none') return [];
  if (ann === 'all') return [...POD_CONTROLLERS];
  return ann.split(',');
}

/** ComputeRules: the authored rules (minus stale autogen- ones when generating) plus generated rules. */
export function computeRules(rules: JsonObject[], annotations: Record<string, string>): JsonObject[] {
  const controllers = autogenControllers(rules, annotations);
  if (controllers.length === 0) return rules;
  const nonCron = [...controllers.filter((c) => c !== 'CronJob')].sort();
  const withCron = controllers.includes('CronJob') || controllers.includes('all');
  const generated: JsonObject[] = [];
  for (const rule of rules) {
    const ctrl = controllerRule(rule, nonCron);
    if (ctrl) generated.push(applyReplacements(ctrl, 'pod'));
    if (withCron) {
      const base = controllerRule(rule, controllers);
      const name = typeof rule['name'] === 'string' ? rule['name'] : '';
      const cron = base ? generateRule(ruleName('autogen-cronjob', name), base, 'jobTemplate', ['CronJob'], false) : undefined;
      if (cron) generated.push(applyReplacements(cron, 'cronjob'));
    }
  }
  if (generated.length === 0) return rules;
  return [...rules.filter((r) => !(typeof r['name'] === 'string' && r['name'].startsWith('autogen-'))), ...generated];
}
