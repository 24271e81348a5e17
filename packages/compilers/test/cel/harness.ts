/**
 * A test-only admission harness for the emitted CEL documents: it runs the document's own
 * expressions with @marcbachmann/cel-js, binding `object`, `oldObject`, `request` and `variables`
 * the way the apiserver does (k8s.io/apiserver/pkg/admission/plugin/policy/validating), and
 * interprets matchConstraints (resource rules, label selectors) itself. It stands in for the
 * runtime package's CEL engine in these compiler tests; it deliberately shares no code with
 * `evaluatePolicy`, the oracle it is compared with.
 */
import { Environment } from '@marcbachmann/cel-js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON as Kubernetes CEL sees it: integers are `int` (BigInt here), and nulls are gone because the
 * apiserver decodes the request into typed objects before admission, dropping them.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  // Array.from: an array from another realm (structuredClone under jest) keeps its foreign
  // prototype through .filter/.map, and the CEL library tells lists apart with instanceof.
  if (Array.isArray(value))
    return Array.from(
      value.filter((v) => v !== null && v !== undefined),
      toCel,
    );
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** The CEL environment: optional types on (Kubernetes >= 1.29), mixed literals allowed as in cel-go. */
export function celEnvironment(): Environment {
  return new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })
    .registerVariable('object', 'dyn')
    .registerVariable('oldObject', 'dyn')
    .registerVariable('request', 'dyn')
    .registerVariable('namespaceObject', 'dyn')
    .registerVariable('variables', 'dyn');
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  object: Obj | null;
  namespace: string;
  namespaceLabels: Record<string, string>;
  username?: string;
  subResource?: string;
}

interface RuleLike {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
}
interface SelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface SpecLike {
  matchConstraints: { resourceRules: RuleLike[]; namespaceSelector?: SelectorLike; objectSelector?: SelectorLike };
  matchConditions?: { name: string; expression: string }[];
  variables?: { name: string; expression: string }[];
  validations: { expression: string; message: string; messageExpression?: string }[];
}

/** REST mapping of the kinds the tests send (apiVersion/kind → group and plural resource). */
const RESOURCES: Readonly<Record<string, { group: string; resource: string }>> = {
  Pod: { group: '', resource: 'pods' },
  ReplicationController: { group: '', resource: 'replicationcontrollers' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
};

/** metav1.LabelSelector semantics (k8s.io/apimachinery/pkg/apis/meta/v1 LabelSelectorAsSelector). */
export function labelSelectorMatches(sel: SelectorLike | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    const ok = { In: inValues, NotIn: !inValues, Exists: has, DoesNotExist: !has }[e.operator];
    if (ok === undefined) throw new Error(`unknown selector operator ${e.operator}`);
    if (!ok) return false;
  }
  return true;
}

export type HarnessVerdict = { applies: false; reason: string } | { applies: true; violated: number[]; messages: string[] };

export class CelHarness {
  private readonly env = celEnvironment();
  private readonly programs = new Map<string, ReturnType<Environment['parse']>>();

  constructor(private readonly spec: SpecLike) {}

  /** Every expression of the document, with its path, for compile checks. */
  expressions(): { path: string; expression: string }[] {
    const s = this.spec;
    return [
      ...(s.matchConditions ?? []).map((c, i) => ({ path: `spec.matchConditions[${i}].expression`, expression: c.expression })),
      ...(s.variables ?? []).map((v, i) => ({ path: `spec.variables[${i}].expression`, expression: v.expression })),
      ...s.validations.flatMap((v, i) => [
        { path: `spec.validations[${i}].expression`, expression: v.expression },
        ...(v.messageExpression ? [{ path: `spec.validations[${i}].messageExpression`, expression: v.messageExpression }] : []),
      ]),
    ];
  }

  check(expression: string): { valid: boolean; type?: string; error?: string } {
    const r = this.env.check(expression);
    return r.valid ? { valid: true, type: String(r.type) } : { valid: false, error: r.error?.message };
  }

  private run(expression: string, activation: Obj): unknown {
    let program = this.programs.get(expression);
    if (!program) this.programs.set(expression, (program = this.env.parse(expression)));
    return program(activation);
  }

  private matchesRules(req: AdmissionRequest): boolean {
    const kind = String(req.object?.kind ?? '');
    const mapping = RESOURCES[kind];
    if (!mapping) return false;
    const resource = req.subResource ? `${mapping.resource}/${req.subResource}` : mapping.resource;
    return this.spec.matchConstraints.resourceRules.some(
      (r) => r.apiGroups.includes(mapping.group) && r.resources.includes(resource) && r.operations.includes(req.operation),
    );
  }

  /** What the apiserver decides for this request: not applicable, or the indexes of failed validations. */
  admit(req: AdmissionRequest): HarnessVerdict {
    if (!this.matchesRules(req)) return { applies: false, reason: 'resource rules' };
    const mc = this.spec.matchConstraints;
    if (!labelSelectorMatches(mc.namespaceSelector, req.namespaceLabels)) return { applies: false, reason: 'namespaceSelector' };
    const labels = isObj(req.object?.metadata) && isObj(req.object.metadata.labels) ? (req.object.metadata.labels as Record<string, string>) : {};
    if (!labelSelectorMatches(mc.objectSelector, labels)) return { applies: false, reason: 'objectSelector' };
    const request = toCel({
      operation: req.operation,
      namespace: req.namespace,
      ...(req.subResource ? { subResource: req.subResource } : {}),
      // The apiserver omits an empty username (`json:"username,omitempty"`).
      userInfo: req.username ? { username: req.username } : {},
    });
    const base: Obj = {
      object: toCel(req.object),
      oldObject: null,
      request,
      namespaceObject: toCel({ metadata: { name: req.namespace, labels: req.namespaceLabels } }),
    };
    for (const c of this.spec.matchConditions ?? []) {
      const r = this.run(c.expression, base);
      if (typeof r !== 'boolean') throw new Error(`matchCondition ${c.name} returned ${String(r)}`);
      if (!r) return { applies: false, reason: `matchCondition ${c.name}` };
    }
    const variables: Obj = {};
    for (const v of this.spec.variables ?? []) variables[v.name] = this.run(v.expression, { ...base, variables });
    const activation = { ...base, variables };
    const violated: number[] = [];
    const messages: string[] = [];
    this.spec.validations.forEach((v, i) => {
      const r = this.run(v.expression, activation);
      if (typeof r !== 'boolean') throw new Error(`validation ${i} returned ${String(r)}`);
      if (r) return;
      violated.push(i);
      messages.push(v.messageExpression ? String(this.run(v.messageExpression, activation)) : v.message);
    });
    return { applies: true, violated, messages };
  }
}
