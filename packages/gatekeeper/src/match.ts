// Gatekeeper's constraint `spec.match` for the fields podsec supports; anything else in `match`
// is refused by the loaders rather than ignored.
import { globMatches } from './glob.js';

type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
};

export interface Match {
  kinds?: { apiGroups?: string[]; kinds?: string[] }[];
  namespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: Selector;
  namespaceSelector?: Selector;
  scope?: '*' | 'Cluster' | 'Namespaced';
  name?: string;
}

export const SUPPORTED_MATCH_FIELDS = ['kinds', 'namespaces', 'excludedNamespaces', 'labelSelector', 'namespaceSelector', 'scope', 'name'];

export interface ObjectRef {
  group: string;
  kind: string;
  name?: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  /** Labels of the object's Namespace (Gatekeeper reads them from its cache or the request). */
  namespaceLabels?: Record<string, string>;
}

/** Why a constraint does not match, as the `skip` reason names it. */
export type MatchMiss = 'kind' | 'scope' | 'name' | 'namespace' | 'excludedNamespaces' | 'labelSelector' | 'namespaceSelector';

/**
 * The namespace Gatekeeper matches against: a Namespace object's own name, else the object's
 * namespace. Without one (cluster-scoped objects, or gator objects that omit it) namespaces and
 * excludedNamespaces cannot disqualify the match (gatekeeper pkg/mutation/match).
 */
function namespaceOf(obj: ObjectRef): string | undefined {
  if (isNamespace(obj)) return obj.name;
  return obj.namespace || undefined;
}

const isNamespace = (obj: ObjectRef) => obj.group === '' && obj.kind === 'Namespace';

function selectorHolds(sel: Selector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const val = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(val!)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(val!)
          : e.operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

/** The first `match` clause that rules the object out, or undefined when the constraint applies. */
export function matchMiss(match: Match | undefined, obj: ObjectRef): MatchMiss | undefined {
  if (!match) return undefined;
  if (match.kinds && match.kinds.length > 0) {
    const hit = match.kinds.some((k) => {
      const groups = k.apiGroups ?? ['*'];
      const kinds = k.kinds ?? ['*'];
      return (groups.includes('*') || groups.includes(obj.group)) && (kinds.includes('*') || kinds.includes(obj.kind));
    });
    if (!hit) return 'kind';
  }
  const namespaced = !isNamespace(obj) && Boolean(obj.namespace);
  if (match.scope === 'Cluster' && namespaced) return 'scope';
  if (match.scope === 'Namespaced' && !namespaced) return 'scope';
  if (match.name !== undefined && match.name !== '' && !globMatches(match.name, obj.name ?? '')) return 'name';
  const ns = namespaceOf(obj);
  if (ns !== undefined && match.namespaces && match.namespaces.length > 0 && !match.namespaces.some((p) => globMatches(p, ns))) return 'namespace';
  if (ns !== undefined && match.excludedNamespaces?.some((p) => globMatches(p, ns))) return 'excludedNamespaces';
  if (match.labelSelector && !selectorHolds(match.labelSelector, obj.labels)) return 'labelSelector';
  if (match.namespaceSelector && ns !== undefined) {
    // A Namespace is selected by its own labels; any other object by its namespace's.
    const labels = isNamespace(obj) ? obj.labels : (obj.namespaceLabels ?? {});
    if (!selectorHolds(match.namespaceSelector, labels)) return 'namespaceSelector';
  }
  return undefined;
}

export function matches(match: Match | undefined, obj: ObjectRef): boolean {
  return matchMiss(match, obj) === undefined;
}
