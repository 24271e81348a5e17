/**
 * How Pod controllers are handled: one explicit rule per IR rule and *template location*, with
 * Kyverno auto-generation switched off (`pod-policies.kyverno.io/autogen-controllers: none`).
 *
 * Why not autogen: it rewrites only `request.object.spec` prefixes and pattern roots, it is skipped
 * for rules Kyverno deems unsuitable (CanAutoGen in pkg/autogen/v1/autogen.go: names/selectors in
 * match, mixed kinds), and its history is a list of template-path quirks (Kyverno #1480, #7444,
 * #7566). Explicit rules read each kind's Pod template exactly where POD_KINDS says it is, so the
 * rule that runs is the rule we wrote and tested. The rule names are ours, not `autogen-…`, which
 * Kyverno reserves for rules it generates itself.
 */
import { podKindSpec } from '@podsec/ir';
import type { PodKind } from '@podsec/ir';

export interface KindGroup {
  /** Suffix of the Kyverno rule name for this group ('' for Pods: the IR rule id unchanged). */
  suffix: string;
  /** Kinds sharing one template path. */
  kinds: readonly PodKind[];
  /** Path from the object to its Pod template. */
  template: readonly string[];
}

const byTemplate = (kinds: readonly PodKind[]): readonly string[] => podKindSpec(kinds[0]!).template;

const GROUPS: readonly Omit<KindGroup, 'template'>[] = [
  { suffix: '', kinds: ['Pod'] },
  { suffix: '-controllers', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'] },
  { suffix: '-cronjob', kinds: ['CronJob'] },
];

/** The groups the policy matches, each narrowed to the matched kinds, in a fixed order. */
export function kindGroups(matched: readonly PodKind[]): KindGroup[] {
  return GROUPS.map((g) => ({ ...g, kinds: g.kinds.filter((k) => matched.includes(k)), template: byTemplate(g.kinds) }))
    .filter((g) => g.kinds.length > 0)
    .map((g) => {
      // The table must agree with the IR's own field table, or a kind would be read at the wrong path.
      for (const k of g.kinds) {
        if (podKindSpec(k).template.join('.') !== g.template.join('.')) throw new Error(`kind ${k} does not keep its Pod template at ${g.template.join('.')}`);
      }
      return g;
    });
}

/**
 * Kyverno rule names are at most 63 characters (CRD `maxLength`). A suffixed name that would be
 * longer keeps a prefix of the id plus a short stable hash, so distinct ids stay distinct.
 */
export function ruleName(id: string, suffix: string): string {
  const full = `${id}${suffix}`;
  if (full.length <= 63) return full;
  const hash = fnv1a(id).toString(16).padStart(8, '0').slice(0, 6);
  return `${id.slice(0, 63 - suffix.length - hash.length - 1).replace(/-+$/, '')}-${hash}${suffix}`;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(s)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h;
}
