/**
 * Which admission requests a rule sees: `match` (kinds, operations, namespaces, selectors) and
 * `exclude` (exempt namespaces and users), as PolicyIR.match and PolicyIR.exemptions say.
 */
import { podKindSpec, servedApiVersion, type LabelSelector, type PodKind, type PolicyIR } from '@podsec/ir';
import { jmespathLiteral } from './escape.js';
import { KyvernoCompileError } from './errors.js';
import type { KyvernoControllers } from './controllers.js';

/** Kyverno matches namespace names and subject names as globs; podsec names are exact. */
function exactNames(ir: PolicyIR, where: string, names: readonly string[]): string[] {
  for (const n of names) {
    if (/[*?]/.test(n))
      throw new KyvernoCompileError(
        ir,
        where,
        `"${n}" contains * or ?, which Kyverno matches as a wildcard`,
        'list exact names (Kyverno cannot escape wildcards here)',
      );
  }
  return [...new Set(names)].sort();
}

function selector(sel: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (sel.matchLabels && Object.keys(sel.matchLabels).length)
    out.matchLabels = Object.fromEntries(Object.entries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (sel.matchExpressions?.length)
    out.matchExpressions = sel.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) }));
  return out;
}

/**
 * A kind as Kyverno's `group/version/Kind` selector at the version podsec reviews it at
 * (servedApiVersion). Kyverno has no spelling for the core group: `v1/Pod` parses as any group at
 * v1 (pkg/utils/kube ParseKindSelector), which apiVersionGuard narrows.
 */
const kindSelector = (kind: string): string => `${servedApiVersion(podKindSpec(kind as Parameters<typeof podKindSpec>[0]))}/${kind}`;

/**
 * The precondition that keeps core-group kinds to the core group: without it `v1/Pod` also
 * matches an `apps/v1` Pod in `kyverno apply`. An expression that is true when the object is
 * reviewed, or undefined when every kind's selector names its group already.
 */
export function apiVersionGuard(kinds: readonly PodKind[]): string | undefined {
  const core = kinds.filter((k) => podKindSpec(k).group === '');
  if (!core.length) return undefined;
  const atServed = `request.object.apiVersion == ${jmespathLiteral(servedApiVersion(podKindSpec(core[0]!)))}`;
  if (core.some((k) => servedApiVersion(podKindSpec(k)) !== servedApiVersion(podKindSpec(core[0]!))))
    throw new Error('core-group kinds served at different versions need one guard each');
  return core.length === kinds.length ? atServed : `!contains(${jmespathLiteral(core)}, request.object.kind) || ${atServed}`;
}

/**
 * Under autogen the Pod rule matches plain `Pod`: CanAutoGen only generates for a rule whose kinds
 * are exactly one of `Pod` and the controller names (a `v1/Pod` or a second kind switches it off),
 * and the apiVersion guard narrows it to the core group.
 */
export function matchBlock(ir: PolicyIR, matched: readonly PodKind[], controllers: KyvernoControllers): Record<string, unknown> {
  const m = ir.match;
  // Ephemeral containers are added through the pods/ephemeralcontainers subresource, whose object is
  // the whole Pod. Kyverno still matches it under a bare `Pod` for backward compatibility
  // (pkg/utils/match/kind.go) and registers it in the webhook (utils_webhook.go); explicit rules name
  // it, so the policy stays correct if that implicit path goes away (autogen cannot: see above).
  const kinds =
    controllers === 'autogen'
      ? ['Pod']
      : matched.flatMap((k) => (k === 'Pod' ? [kindSelector(k), `${kindSelector(k)}/ephemeralcontainers`] : [kindSelector(k)]));
  const resources: Record<string, unknown> = { kinds, operations: [...new Set(m.operations)].sort() };
  if (m.namespaces.include.length) resources.namespaces = exactNames(ir, 'match.namespaces.include', m.namespaces.include);
  if (m.namespaceSelector) resources.namespaceSelector = selector(m.namespaceSelector);
  if (m.objectSelector) resources.selector = selector(m.objectSelector);
  return { any: [{ resources }] };
}

export function excludeBlock(ir: PolicyIR): Record<string, unknown> | undefined {
  const namespaces = exactNames(ir, 'match.namespaces.exclude / exemptions.namespaces', [...ir.match.namespaces.exclude, ...ir.exemptions.namespaces]);
  const users = exactNames(ir, 'exemptions.usernames', ir.exemptions.usernames);
  const any: Record<string, unknown>[] = [];
  if (namespaces.length) any.push({ resources: { namespaces } });
  if (users.length) any.push({ subjects: users.map((name) => ({ kind: 'User', name })) });
  return any.length ? { any } : undefined;
}
