/**
 * The one text every engine reports for a violated rule. Pod Security Admission names the
 * containers at fault (`allowPrivilegeEscalation != false (containers "a", "b" must set …)`), and
 * so does every podsec output, so a report reader sees one message per rule whatever the engine.
 *
 * A rule with a `detail` lists its offending containers; a rule without one reports `message`
 * alone. Which containers offend is defined by the reference evaluator (offendingContainers in
 * evaluate.ts): a container offends when the rule's `require` fails with container-scoped checks
 * looking at that container only, and none is named when `require` already fails with no
 * container at all (the fault is at pod level).
 */
import type { ContainerKind, Rule } from './types.js';

/** The order containers are named in: Pod Security Admission's (init, regular, ephemeral). */
export const MESSAGE_CONTAINER_ORDER: readonly ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

/**
 * What names a container in a message: its `name` when that is a string, else the empty string.
 * Names are quoted with plain double quotes and no escaping, which every engine can reproduce
 * (the API server only admits DNS-label container names).
 */
export const quoteContainerName = (name: string): string => `"${name}"`;

/** `message`, or `message (container "a" detail)` / `message (containers "a", "b" detail)`. */
export function renderRuleMessage(rule: Pick<Rule, 'message' | 'detail'>, offending: readonly string[]): string {
  if (!rule.detail || offending.length === 0) return rule.message;
  const noun = offending.length === 1 ? 'container' : 'containers';
  return `${rule.message} (${noun} ${offending.map(quoteContainerName).join(', ')} ${rule.detail})`;
}

/**
 * What joins the per-container texts of a rule with a `containerMessage`: one violation per rule
 * in every engine (so rule-level comparison stays exact), each offending container still named.
 */
export const CONTAINER_MESSAGE_SEPARATOR = '; ';

/** A `containerMessage` rule's text: the offending containers' texts joined, or `message` when none is named. */
export function joinContainerMessages(rule: Pick<Rule, 'message'>, texts: readonly string[]): string {
  return texts.length === 0 ? rule.message : texts.join(CONTAINER_MESSAGE_SEPARATOR);
}
