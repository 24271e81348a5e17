// Gatekeeper's constraint `spec.match` for the fields podsec supports; anything else in `match`
// is reported as unsupported by the suite loader rather than ignored.

export interface Match {
  kinds?: { apiGroups?: string[]; kinds?: string[] }[];
  namespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
  };
}

export const SUPPORTED_MATCH_FIELDS = ['kinds', 'namespaces', 'excludedNamespaces', 'labelSelector'];

export interface ObjectRef {
  group: string;
  kind: string;
  name?: string;
  namespace: string | undefined;
  labels: Record<string, string>;
}

/** Gatekeeper namespace patterns may glob at the front or the end: `kube-*`, `*-system`. */
function nsMatches(pattern: string, ns: string): boolean {
  if (pattern.endsWith('*')) return ns.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return ns.endsWith(pattern.slice(1));
  return pattern === ns;
}

/**
 * The namespace Gatekeeper matches against: a Namespace object's own name, else the object's
 * namespace. Without one (cluster-scoped objects, or gator objects that omit it) namespaces and
 * excludedNamespaces cannot disqualify the match (gatekeeper pkg/mutation/match).
 */
function namespaceOf(obj: ObjectRef): string | undefined {
  if (obj.group === '' && obj.kind === 'Namespace') return obj.name;
  return obj.namespace || undefined;
}

export function matches(match: Match | undefined, obj: ObjectRef): boolean {
  if (!match) return true;
  if (match.kinds && match.kinds.length > 0) {
    const hit = match.kinds.some((k) => {
      const groups = k.apiGroups ?? ['*'];
      const kinds = k.kinds ?? ['*'];
      return (groups.includes('*') || groups.includes(obj.group)) && (kinds.includes('*') || kinds.includes(obj.kind));
    });
    if (!hit) return false;
  }
  const ns = namespaceOf(obj);
  if (ns !== undefined && match.namespaces && match.namespaces.length > 0 && !match.namespaces.some((p) => nsMatches(p, ns))) return false;
  if (ns !== undefined && match.excludedNamespaces?.some((p) => nsMatches(p, ns))) return false;
  const sel = match.labelSelector;
  if (sel) {
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (obj.labels[k] !== v) return false;
    for (const e of sel.matchExpressions ?? []) {
      const has = Object.hasOwn(obj.labels, e.key);
      const val = obj.labels[e.key];
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
  }
  return true;
}
