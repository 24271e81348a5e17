/**
 * Violation messages. The apiserver rejects a validation `message` containing line breaks, and falls
 * back to `message` when a `messageExpression` yields one, so both are folded to a single line.
 */
import type { PolicyIR, Rule } from '@podsec/ir';
import { ifThen, or } from './bool.js';
import { CONTAINER_VAR } from './checks.js';
import { celString } from './literal.js';

const LINE_BREAKS = /\s*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/g;

/** Text on one line: each line break, with the spaces around it, becomes one space. */
export const foldLines = (text: string): string => text.replace(LINE_BREAKS, ' ');

/** foldLines, trimmed: a whole message as the apiserver can report it. */
export const foldLineBreaks = (text: string): string => foldLines(text).trim();

export function staticMessage(ir: Pick<PolicyIR, 'name'>, rule: Pick<Rule, 'id' | 'message'>): string {
  const text = foldLineBreaks(rule.message);
  return text === '' ? `policy ${ir.name}: rule ${rule.id} violated` : text;
}

/**
 * What names a container in a message, as the IR's offendingContainers does: its `name` when that
 * is a string, else "" (raw manifests can hold anything there; the API server only admits strings).
 */
export const containerName = (c = CONTAINER_VAR) => `type(${c}.?name.orValue("")) == string ? ${c}.name : ""`;

/**
 * The IR's renderRuleMessage in CEL: `message (container "a" detail)` / `message (containers "a",
 * "b" detail)` naming the containers in `names` (a list of strings), or `message` alone when none
 * offends or `podFails` (the rule fails with no container at all: a pod-level fault names none).
 */
export function namingMessageExpression(message: string, detail: string, names: string, podFails: string): string {
  const noun = `(size(${names}) == 1 ? "container " : "containers ")`;
  const listed = `${names}.map(n, '"' + n + '"').join(", ")`;
  const naming = `(" (" + ${noun} + ${listed} + ${celString(` ${foldLines(detail)})`)})`;
  return `${celString(message)} + (${ifThen(or(podFails, `size(${names}) == 0`), '""', naming)})`;
}
