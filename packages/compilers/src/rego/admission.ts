/**
 * What the policy reviews, as `evaluatePolicy` decides it: the object's kind and its Pod
 * template, the operation, namespaces, label selectors and PSA-style exemptions. The rules read
 * Gatekeeper's input (`input.review.*`); objects audited by Gatekeeper arrive without an operation
 * or user, and neither may turn an audit into a violation or a skip on its own.
 */
import { POD_KINDS, RUNTIME_CLASS_PATH, servedApiVersion, type LabelSelector, type PolicyIR } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { helper } from './helpers.js';
import { regoRef } from './refs.js';
import { regoSet, regoString } from './strings.js';

const OBJECT = 'input.review.object';

/** Kinds grouped by where they keep their Pod template, in field-table order. */
function templateGroups(kinds: readonly string[]): { kinds: string[]; path: readonly string[] }[] {
  const groups: { kinds: string[]; path: readonly string[] }[] = [];
  for (const spec of POD_KINDS) {
    if (!kinds.includes(spec.kind)) continue;
    const group = groups.find((g) => g.path.join('.') === spec.template.join('.'));
    if (group) group.kinds.push(spec.kind);
    else groups.push({ kinds: [spec.kind], path: spec.template });
  }
  return groups;
}

const kindTest = (kinds: readonly string[]) => (kinds.length === 1 ? `${OBJECT}.kind == ${regoString(kinds[0]!)}` : `${OBJECT}.kind in ${regoSet(kinds)}`);

function podTemplateRule(ir: PolicyIR): string[] {
  const groups = templateGroups(ir.match.kinds);
  const lines = [
    '# The Pod template ({metadata, spec}) of the reviewed object: a Pod is its own template; each',
    '# controller keeps one where the field table says. A controller without one reads as empty,',
    '# so fields it requires still count as unset.',
  ];
  groups.forEach((g, i) => {
    lines.push(`${i ? '} else := t if {' : 'pod_template := t if {'}`, ...indent([kindTest(g.kinds), `t := ${regoRef(OBJECT, g.path)}`]));
  });
  lines.push('} else := {}');
  return lines;
}

/**
 * podsec's apiVersion rule (servedApiVersion in @podsec/ir), once per module: Gatekeeper's
 * Constraint matches on API group and kind only, and `opa eval` / `gator test` on raw manifests
 * match nothing at all, so the Rego itself refuses every other version of a kind.
 */
function servedApiVersionsRule(kinds: readonly string[]): string[] {
  const entries = POD_KINDS.filter((k) => kinds.includes(k.kind)).map((k) => `${regoString(k.kind)}: ${regoString(servedApiVersion(k))}`);
  return [
    '# Each kind is reviewed only at the apiVersion the API server serves it at; an object at any',
    '# other version (extensions/v1beta1, apps/v1beta2, batch/v1beta1, a v2 Pod) never reaches',
    '# admission in a cluster, so it is not reviewed here either.',
    `served_api_versions := {${entries.join(', ')}}`,
  ];
}

const OPERATION_RULE = [
  '# Gatekeeper audit reviews stored objects without an operation; they count as CREATE, as in',
  '# the reference semantics, so an audit neither skips nor flags them because of it.',
  'review_operation := op if {',
  ...indent(['op := input.review.operation', 'is_string(op)', 'op != ""']),
  '} else := "CREATE"',
];

const NAMESPACE_RULE = [
  '# The request\'s namespace, else the object\'s own, else "default" (where the API server puts it).',
  'review_namespace := ns if {',
  ...indent(['ns := input.review.namespace', 'ns != null']),
  '} else := ns if {',
  ...indent([`ns := ${OBJECT}.metadata.namespace`, 'ns != null']),
  '} else := "default"',
];

/** Body lines that hold when `labels` (a term) satisfies the selector. */
function selectorLines(selector: LabelSelector, labels: string): string[] {
  const lines = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${labels}[${regoString(k)}] == ${regoString(v)}`);
  for (const expr of selector.matchExpressions ?? []) {
    const key = regoString(expr.key);
    const values = regoSet(expr.values ?? []);
    const line = {
      In: `${labels}[${key}] in ${values}`,
      // object.get keeps the operand defined: OPA evaluates call arguments before `not`, so an
      // undefined `labels[key]` would fail the whole body instead of making NotIn hold.
      NotIn: `not object.get(${labels}, ${key}, null) in ${values}`,
      Exists: `${key} in object.keys(${labels})`,
      DoesNotExist: `not ${key} in object.keys(${labels})`,
    }[expr.operator];
    lines.push(line);
  }
  return lines;
}

function selectorRule(name: string, comment: string[], selector: LabelSelector, labelsOf: string): string[] {
  return [...comment, `${name} if {`, ...indent([`labels := ${labelsOf}`, ...selectorLines(selector, 'labels')]), '}'];
}

/** Adds `applies` (which holds when the policy reviews the object) and the rules it reads. */
export function emitAdmission(e: RegoEmitter, ir: PolicyIR): void {
  const { match, exemptions } = ir;
  const placeApplies = e.slot('admission');
  const body: string[] = [`served_api_versions[${OBJECT}.kind] == ${OBJECT}.apiVersion`];
  e.add('admission', podTemplateRule(ir));
  e.add('admission', servedApiVersionsRule(match.kinds));

  e.add('admission', OPERATION_RULE);
  body.push(`review_operation in ${regoSet(match.operations)}`);

  const { include, exclude } = match.namespaces;
  if (include.length || exclude.length || exemptions.namespaces.length) {
    e.add('admission', NAMESPACE_RULE);
    if (include.length) body.push(`review_namespace in ${regoSet(include)} # included namespaces`);
    if (exclude.length) body.push(`not review_namespace in ${regoSet(exclude)} # excluded namespaces`);
    if (exemptions.namespaces.length) body.push(`not review_namespace in ${regoSet(exemptions.namespaces)} # exempt namespaces`);
  }
  // Exemptions are named rules negated as a whole: OPA evaluates the operands of `x in S` before
  // a `not`, so `not input.review.userInfo.username in S` would fail (not hold) when the user is
  // absent, as in Gatekeeper audit, and the policy would silently stop applying.
  if (exemptions.usernames.length) {
    e.add('admission', ['# The requesting user is exempt.', `exempt_user if input.review.userInfo.username in ${regoSet(exemptions.usernames)}`]);
    body.push('not exempt_user');
  }
  if (exemptions.runtimeClasses.length) {
    e.add('admission', [
      "# The Pod template's runtime class is exempt.",
      `exempt_runtime_class if ${regoRef('pod_template', RUNTIME_CLASS_PATH)} in ${regoSet(exemptions.runtimeClasses)}`,
    ]);
    body.push('not exempt_runtime_class');
  }
  if (match.namespaceSelector) {
    const labelsOf = helper(e, 'labels_of');
    e.add('admission', [
      '# Namespace labels arrive as input.review.namespaceObject in recent Gatekeeper releases. Without',
      "# it, the Constraint's match.namespaceSelector, which Gatekeeper applies first, has decided.",
      'namespace_selected if not input.review.namespaceObject',
      '',
      ...selectorRule('namespace_selected', [], match.namespaceSelector, `${labelsOf}(input.review.namespaceObject)`),
    ]);
    body.push('namespace_selected');
  }
  if (match.objectSelector) {
    const labelsOf = helper(e, 'labels_of');
    e.add(
      'admission',
      selectorRule(
        'object_selected',
        ["# The object's own labels (a controller's, not its template's) match the selector."],
        match.objectSelector,
        `${labelsOf}(${OBJECT})`,
      ),
    );
    body.push('object_selected');
  }
  placeApplies(['# The policy applies to the object: every line below must hold.', 'applies if {', ...indent(body), '}']);
}
