/**
 * Violation messages. The apiserver rejects a validation `message` containing line breaks, and falls
 * back to `message` when a `messageExpression` yields one, so both are folded to a single line.
 */
import type { PolicyIR, Rule } from '@podsec/ir';
import { CONTAINER_VAR, type PerContainer } from './checks.js';
import { not } from './bool.js';
import { celString } from './literal.js';

const LINE_BREAKS = /\s*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/g;

export function staticMessage(ir: Pick<PolicyIR, 'name'>, rule: Pick<Rule, 'id' | 'message'>): string {
  const text = rule.message.replace(LINE_BREAKS, ' ').trim();
  return text === '' ? `policy ${ir.name}: rule ${rule.id} violated` : text;
}

/** Names the containers that fail a container-scoped rule, after the static message. */
export function containerMessageExpression(message: string, split: PerContainer): string {
  const failing = `${split.list}.filter(${CONTAINER_VAR}, ${not(split.test)}).map(${CONTAINER_VAR}, ${CONTAINER_VAR}.?name.orValue("<unnamed>"))`;
  return `${celString(`${message} (containers: `)} + ${failing}.join(", ") + ")"`;
}
