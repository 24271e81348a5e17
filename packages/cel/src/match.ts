import { labelsOf, readLabelSelector, selectorMatches, type LabelSelector } from './labels.js';
import { equivalentResources } from './restmapper.js';
import { fail, isRecord, list, oneOf, optionalRecord, stringList, type ShapeContext } from './shape.js';
import type { AdmissionOperation, GroupVersionResource } from './types.js';

/** admissionregistration.k8s.io/v1 NamedRuleWithOperations. */
export interface NamedRule {
  apiGroups: string[];
  apiVersions: string[];
  /** `pods`, `pods/ephemeralcontainers`, `pods/*`, `*`, `*\/scale`, `*\/*`. */
  resources: string[];
  resourceNames: string[];
  operations: string[];
  scope: '*' | 'Cluster' | 'Namespaced';
}

/** admissionregistration.k8s.io/v1 MatchResources. */
export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules: NamedRule[];
  excludeResourceRules: NamedRule[];
  matchPolicy: 'Exact' | 'Equivalent';
}

/** What matching looks at in a request. */
export interface MatchRequest {
  operation: AdmissionOperation;
  resource: GroupVersionResource;
  subResource: string;
  name: string;
  namespace: string;
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  namespaceObject: Record<string, unknown> | null;
  /** Answers already given on this request, by constraintId: most policies carry the same constraints. */
  matched?: Map<number, boolean>;
}

const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

function readRule(ctx: ShapeContext, v: unknown, path: string): NamedRule {
  if (!isRecord(v)) fail(ctx, path, 'expected an object', 'write {apiGroups, apiVersions, resources, operations}');
  const operations = stringList(ctx, v.operations, `${path}.operations`);
  operations.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) fail(ctx, `${path}.operations[${i}]`, `unknown operation ${JSON.stringify(op)}`, `use ${OPERATIONS.join(', ')}`);
  });
  return {
    apiGroups: stringList(ctx, v.apiGroups, `${path}.apiGroups`),
    apiVersions: stringList(ctx, v.apiVersions, `${path}.apiVersions`),
    resources: stringList(ctx, v.resources, `${path}.resources`),
    resourceNames: stringList(ctx, v.resourceNames, `${path}.resourceNames`),
    operations,
    scope: oneOf(ctx, v.scope, `${path}.scope`, ['*', 'Cluster', 'Namespaced'] as const, '*'),
  };
}

export function readMatchResources(ctx: ShapeContext, v: unknown, path: string): MatchResources | undefined {
  const r = optionalRecord(ctx, v, path);
  if (!r) return undefined;
  return {
    namespaceSelector: readLabelSelector(ctx, r.namespaceSelector, `${path}.namespaceSelector`),
    objectSelector: readLabelSelector(ctx, r.objectSelector, `${path}.objectSelector`),
    resourceRules: list(ctx, r.resourceRules, `${path}.resourceRules`).map((x, i) => readRule(ctx, x, `${path}.resourceRules[${i}]`)),
    excludeResourceRules: list(ctx, r.excludeResourceRules, `${path}.excludeResourceRules`).map((x, i) =>
      readRule(ctx, x, `${path}.excludeResourceRules[${i}]`),
    ),
    // The apiserver defaults matchPolicy to Equivalent for policies and bindings.
    matchPolicy: oneOf(ctx, r.matchPolicy, `${path}.matchPolicy`, ['Exact', 'Equivalent'] as const, 'Equivalent'),
  };
}

const wildcardOr = (values: readonly string[], v: string): boolean => values.includes('*') || values.includes(v);

/** k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules.Matcher.resource(). */
function resourceMatches(patterns: readonly string[], resource: string, subResource: string): boolean {
  const full = subResource === '' ? resource : `${resource}/${subResource}`;
  return patterns.some((p) => {
    if (p === '*/*' || p === full) return true;
    // `*` means every resource but none of their subresources.
    if (p === '*') return subResource === '';
    const [res, sub] = p.split('/', 2);
    if (sub === undefined) return false;
    if (res === '*' && sub === subResource) return true;
    return res === resource && sub === '*' && subResource !== '';
  });
}

const isNamespaceResource = (r: GroupVersionResource): boolean => r.group === '' && r.resource === 'namespaces';

function ruleMatches(rule: NamedRule, req: MatchRequest, resource: GroupVersionResource): boolean {
  if (rule.scope === 'Cluster' && !(isNamespaceResource(resource) || req.namespace === '')) return false;
  if (rule.scope === 'Namespaced' && (isNamespaceResource(resource) || req.namespace === '')) return false;
  // An empty operations list matches nothing (the apiserver also refuses to store such a rule).
  if (!wildcardOr(rule.operations, req.operation)) return false;
  if (!wildcardOr(rule.apiGroups, resource.group)) return false;
  if (!wildcardOr(rule.apiVersions, resource.version)) return false;
  return resourceMatches(rule.resources, resource.resource, req.subResource);
}

function nameMatches(rule: NamedRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

/** k8s.io/apiserver/pkg/admission/plugin/policy/matching.matchesResourceRules. */
function matchesRules(rules: readonly NamedRule[], matchPolicy: MatchResources['matchPolicy'], req: MatchRequest): boolean {
  if (rules.some((r) => ruleMatches(r, req, req.resource) && nameMatches(r, req.name))) return true;
  if (matchPolicy === 'Exact') return false;
  const equivalents = equivalentResources(req.resource);
  return rules.some((r) => equivalents.some((eq) => ruleMatches(r, req, eq) && nameMatches(r, req.name)));
}

function namespaceSelectorMatches(selector: LabelSelector | undefined, req: MatchRequest): boolean {
  // Cluster-scoped requests other than Namespaces are never filtered by namespaceSelector.
  if (req.namespace === '' && !isNamespaceResource(req.resource)) return true;
  if (!selector || (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0)) return true;
  const nsLabels = isNamespaceResource(req.resource) ? labelsOf(req.object ?? req.oldObject) : labelsOf(req.namespaceObject);
  return selectorMatches(selector, nsLabels);
}

function objectSelectorMatches(selector: LabelSelector | undefined, req: MatchRequest): boolean {
  if (!selector || (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0)) return true;
  const matchesObj = (o: Record<string, unknown> | null): boolean => o !== null && selectorMatches(selector, labelsOf(o));
  return matchesObj(req.object) || matchesObj(req.oldObject);
}

const constraintIds = new WeakMap<MatchResources, number>();
const idsByContent = new Map<string, number>();

/** The same number for constraints with the same content (the answer depends on nothing else). */
function constraintId(m: MatchResources): number {
  let id = constraintIds.get(m);
  if (id === undefined) {
    const content = JSON.stringify(m);
    id = idsByContent.get(content);
    if (id === undefined) idsByContent.set(content, (id = idsByContent.size));
    constraintIds.set(m, id);
  }
  return id;
}

/**
 * k8s.io/apiserver/pkg/admission/plugin/policy/matching.Matcher.Matches. Empty resourceRules constrain nothing.
 * Memoised on the request when it carries `matched`.
 */
export function matchesResources(m: MatchResources, req: MatchRequest): boolean {
  const memo = req.matched;
  if (!memo) return matches(m, req);
  const id = constraintId(m);
  let answer = memo.get(id);
  if (answer === undefined) memo.set(id, (answer = matches(m, req)));
  return answer;
}

function matches(m: MatchResources, req: MatchRequest): boolean {
  if (!namespaceSelectorMatches(m.namespaceSelector, req)) return false;
  if (!objectSelectorMatches(m.objectSelector, req)) return false;
  if (matchesRules(m.excludeResourceRules, m.matchPolicy, req)) return false;
  return m.resourceRules.length === 0 || matchesRules(m.resourceRules, m.matchPolicy, req);
}
