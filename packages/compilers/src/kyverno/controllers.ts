/**
 * How Pod controllers are covered: by Kyverno's own auto-generation (`autogen`, the default, as
 * the Kyverno community writes policies) or by rules podsec writes per template location
 * (`explicit`, kinds.ts).
 *
 * Under autogen podsec emits the Pod rule only. Kyverno (pkg/autogen/v1) then copies every rule
 * matching plain `Pod` to `autogen-<rule>` (DaemonSet, Deployment, Job, StatefulSet, ReplicaSet,
 * ReplicationController; the rule JSON's `request.object.spec` read as
 * `request.object.spec.template.spec`) and `autogen-cronjob-<rule>` (`…jobTemplate.spec.template…`),
 * names cut at 63 characters. packages/kyverno/src/autogen.ts does the same and `podsec verify`
 * runs it, so a rule autogen would get wrong shows up as a disagreement.
 *
 * Autogen is all or nothing per policy (CanAutoGen looks at every rule), so a policy falls back to
 * explicit rules, with a comment in the file saying why, when Kyverno would not generate what the
 * IR means:
 * - Pods are not matched (autogen copies Pod rules only);
 * - an object selector: CanAutoGen refuses `selector` (labels of a controller are not its Pods');
 * - generated names that would collide once cut to 63 characters;
 * - a rule whose rewrite by autogen (autogenRewrite: a text replacement over the whole rule, so
 *   also a message or a literal that mentions `request.object.metadata`, and CEL written for Pods
 *   only) is not the rule podsec writes for that controller's template.
 */
import type { PodKind, PolicyIR } from '@podsec/ir';

export type KyvernoControllers = 'autogen' | 'explicit';
export const KYVERNO_CONTROLLERS: readonly KyvernoControllers[] = ['autogen', 'explicit'];

/** Kyverno's annotation naming the controllers to generate rules for (`none` switches autogen off). */
export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

const NON_CRON: readonly PodKind[] = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];
const ALL_CONTROLLERS: readonly PodKind[] = [...NON_CRON, 'CronJob'];

/** getAutogenRuleName: prefix, dash, name, cut at 63 characters. */
const autogenName = (prefix: string, name: string): string => `${prefix}-${name}`.slice(0, 63);

/** The rule name Kyverno reports for objects of `kind` when it generated the rule from Pod rule `name`. */
export function generatedRuleName(name: string, kind: PodKind): string {
  if (kind === 'Pod') return name;
  return kind === 'CronJob' ? autogenName('autogen-cronjob', name) : autogenName('autogen', name);
}

/**
 * The annotation value for the matched controllers: absent (Kyverno's default, every controller)
 * when all are matched, `none` when none is, else the comma-separated list Kyverno splits.
 */
export function autogenAnnotation(kinds: readonly PodKind[]): string | undefined {
  const controllers = ALL_CONTROLLERS.filter((k) => kinds.includes(k));
  if (controllers.length === ALL_CONTROLLERS.length) return undefined;
  return controllers.length ? controllers.join(',') : 'none';
}

type Replacements = readonly (readonly [string, string])[];
const prefixes = (to: string, cel: boolean): Replacements =>
  (cel ? ['object', 'oldObject'] : ['request.object', 'request.oldObject']).flatMap((o) => [
    [`${o}.spec`, `${o}.${to}.spec`] as const,
    [`${o}.metadata`, `${o}.${to}.metadata`] as const,
  ]);

/**
 * Kyverno's convertRule/updateFields: the generated rule's JSON text with every
 * `request.object.spec` (…`.metadata`, `oldObject` alike; CEL rules without `request.`) read under
 * the controller's template — anywhere in the text, messages and literals included.
 */
export function autogenRewrite<T>(rulePart: T, kind: 'controllers' | 'cronjob', cel: boolean): T {
  let text = JSON.stringify(rulePart);
  for (const [from, to] of prefixes(kind === 'cronjob' ? 'spec.jobTemplate.spec.template' : 'spec.template', cel)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** Why autogen cannot stand for this policy's controller rules, or undefined when it can (rule bodies are compared in policy.ts). */
export function autogenBlocker(ir: PolicyIR, podRuleNames: readonly string[]): string | undefined {
  const kinds = ir.match.kinds;
  if (!kinds.includes('Pod')) return 'the policy does not match Pods, and Kyverno generates controller rules from Pod rules only';
  if (ir.match.objectSelector) return 'Kyverno does not generate controller rules for a rule with an object selector (pkg/autogen CanAutoGen)';
  const reserved = podRuleNames.find((n) => n.startsWith('autogen-'));
  if (reserved) return `rule "${reserved}" starts with autogen-, which Kyverno drops as a stale generated rule`;
  const owner = new Map<string, string>(podRuleNames.map((n) => [n, n]));
  for (const name of podRuleNames) {
    for (const generated of new Set(ALL_CONTROLLERS.filter((k) => kinds.includes(k)).map((k) => generatedRuleName(name, k)))) {
      const other = owner.get(generated);
      if (other !== undefined && other !== name) return `Kyverno's generated rule name "${generated}" (cut at 63 characters) would name two rules`;
      owner.set(generated, name);
    }
  }
  return undefined;
}
