/**
 * Violation messages. The apiserver rejects a validation `message` containing line breaks, and falls
 * back to `message` when a `messageExpression` yields one, so both are folded to a single line.
 */
import { CONTAINER_MESSAGE_SEPARATOR, fieldPath, fieldSpec, type MessagePart, type PolicyIR, type Rule } from '@podsec/ir';
import { ifThen, or } from './bool.js';
import { CONTAINER_VAR, type CheckScope } from './checks.js';
import { celString } from './literal.js';
import { optionalPath, plainPath } from './path.js';

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

/**
 * The string an optional holds, else "": unset, a raw manifest's null and a value of another type all
 * render as nothing, as the IR's renderContainerMessage does.
 */
const stringOf = (opt: string, plain = plainPath(opt)): string => `(type(${opt}.orValue(null)) == string ? ${plain} : "")`;

/** The container's name as a containerMessage renders it (a nameless container of a raw manifest: ""). */
const nameOf = (): string => stringOf(optionalPath(CONTAINER_VAR, ['name']));

/** Where the Pod template keeps its annotations, from the IR field table. */
const ANNOTATIONS = fieldPath(fieldSpec('annotations'), 'pod');

/** One part of a `containerMessage` as CEL text over the container `c`. */
function renderPart(part: MessagePart, scope: CheckScope): string {
  switch (part.kind) {
    case 'text':
      return celString(foldLines(part.text));
    case 'containerName':
      return nameOf();
    case 'field': {
      const spec = fieldSpec(part.field);
      return stringOf(part.scope === 'pod' ? scope.pod(fieldPath(spec, 'pod')) : optionalPath(CONTAINER_VAR, fieldPath(spec, 'container')));
    }
    case 'annotation':
      return stringOf(optionalPath(scope.map(ANNOTATIONS), [part.key]));
    case 'containerAnnotation': {
      // The key is computed, so it is indexed (`m[?k]`) rather than selected whatever its text.
      const annotations = scope.map(ANNOTATIONS);
      const key = `${celString(part.keyPrefix)} + ${nameOf()}`;
      return stringOf(`${annotations}[?${key}]`, `${annotations}[${key}]`);
    }
  }
}

/**
 * The IR's violationMessage for a rule with a `containerMessage`, in CEL: each container of
 * `offending` (a list of containers) rendered part by part and joined by `; `, or `message` alone
 * when none offends or `podFails` (a pod-level fault names no container).
 */
export function containerMessageExpression(message: string, parts: readonly MessagePart[], offending: string, podFails: string, scope: CheckScope): string {
  const rendered = parts.length ? parts.map((p) => renderPart(p, scope)).join(' + ') : '""';
  const texts = `${offending}.map(${CONTAINER_VAR}, ${rendered}).join(${celString(CONTAINER_MESSAGE_SEPARATOR)})`;
  return ifThen(or(podFails, `size(${offending}) == 0`), celString(message), texts);
}
