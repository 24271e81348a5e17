import type { MessagePart } from '@podsec/ir';
import { ValueRef } from './checks.js';

/** A placeholder of `perContainer` that is not a field: the container's name, a pod annotation. */
export interface MessageToken {
  readonly part: MessagePart;
}

/** The offending container's name. */
export const containerName: MessageToken = Object.freeze({ part: { kind: 'containerName' as const } });

/** The value of the pod annotation `key`. */
export const podAnnotation = (key: string): MessageToken => ({ part: { kind: 'annotation', key } });

/** What a `perContainer` placeholder may be: a string field (pod or container scope), a container annotation, or a token. */
export type MessageValue = ValueRef<string> | ValueRef<string | undefined> | MessageToken;

/**
 * A rule's per-container message (RuleDefinition.containerMessage), written as a template:
 * perContainer`Seccomp profile '${container('seccompProfile.type')}' is not allowed for container '${containerName}'.`
 * Each offending container gets its own text, every engine renders it the same way, and unset
 * values read as the empty string.
 */
export function perContainer(strings: TemplateStringsArray, ...values: MessageValue[]): MessagePart[] {
  const parts: MessagePart[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push({ kind: 'text', text });
    const value = values[i];
    if (value !== undefined) parts.push(value instanceof ValueRef ? value.messagePart() : value.part);
  });
  return parts;
}
