/**
 * The Constraint's `spec.match`: kinds per API group from the field table, namespaces and
 * selectors. Gatekeeper applies it before the Rego runs; the Rego repeats every test, so the
 * policy means the same under `opa eval` and in audit.
 */
import { POD_KINDS, type LabelSelector, type PolicyIR } from '@podsec/ir';
import { compileError } from '../rego/errors.js';

export interface GatekeeperMatch {
  kinds: { apiGroups: string[]; kinds: string[] }[];
  namespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

// Gatekeeper reads a leading or trailing `*` in these lists as a wildcard; a Kubernetes
// namespace name is a DNS-1123 label, so anything else would change meaning or be refused.
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkedNamespaces(ir: PolicyIR, names: readonly string[], irPath: string): string[] {
  names.forEach((n, i) => {
    if (!NAMESPACE_NAME.test(n) || n.length > 63) {
      throw compileError(
        ir,
        `${irPath}[${i}]`,
        `${JSON.stringify(n)} is not a namespace name (a DNS-1123 label); Gatekeeper would read "*" as a wildcard or reject the Constraint`,
        'list namespaces by their exact names',
      );
    }
  });
  return [...names];
}

/**
 * Kubernetes refuses selectors whose In/NotIn have no values or whose Exists/DoesNotExist have
 * some (apimachinery ValidateLabelSelectorRequirement); Gatekeeper would fail to match with it.
 */
function checkedSelector(ir: PolicyIR, selector: LabelSelector, irPath: string): LabelSelector {
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const n = e.values?.length ?? 0;
    const needsValues = e.operator === 'In' || e.operator === 'NotIn';
    if (needsValues && n === 0) {
      throw compileError(
        ir,
        `${irPath}.matchExpressions[${i}].values`,
        `operator ${e.operator} needs at least one value; Kubernetes rejects the selector otherwise`,
        e.operator === 'In' ? 'list the values (an empty In matches no object)' : 'drop the expression (an empty NotIn matches every object)',
      );
    }
    if (!needsValues && n > 0) {
      throw compileError(
        ir,
        `${irPath}.matchExpressions[${i}].values`,
        `operator ${e.operator} takes no values; Kubernetes rejects the selector otherwise`,
        'remove the values',
      );
    }
  });
  return structuredClone(selector);
}

/** Kinds grouped by API group, groups and kinds in field-table order (Gatekeeper matches on kind). */
function kindsByGroup(kinds: readonly string[]): GatekeeperMatch['kinds'] {
  const groups = new Map<string, string[]>();
  for (const spec of POD_KINDS) {
    if (!kinds.includes(spec.kind)) continue;
    const list = groups.get(spec.group) ?? [];
    list.push(spec.kind);
    groups.set(spec.group, list);
  }
  return [...groups].map(([group, k]) => ({ apiGroups: [group], kinds: k }));
}

export function gatekeeperMatch(ir: PolicyIR): GatekeeperMatch {
  const { match, exemptions } = ir;
  const out: GatekeeperMatch = { kinds: kindsByGroup(match.kinds) };
  const include = checkedNamespaces(ir, match.namespaces.include, 'match.namespaces.include');
  const exclude = checkedNamespaces(ir, match.namespaces.exclude, 'match.namespaces.exclude');
  const exempt = checkedNamespaces(ir, exemptions.namespaces, 'exemptions.namespaces');
  if (include.length) out.namespaces = include;
  // Exempt namespaces are excluded outright: PSA exempts them before evaluating anything.
  const excluded = [...new Set([...exclude, ...exempt])].sort();
  if (excluded.length) out.excludedNamespaces = excluded;
  if (match.objectSelector) out.labelSelector = checkedSelector(ir, match.objectSelector, 'match.objectSelector');
  if (match.namespaceSelector) out.namespaceSelector = checkedSelector(ir, match.namespaceSelector, 'match.namespaceSelector');
  return out;
}
