/**
 * A rule's `containerMessage` as a Rego function of one container at fault: the concatenation of
 * its parts, each value shown as `renderContainerMessage` in @podsec/ir shows it (the string it
 * holds, or "" when unset, null or not a string), so the text is the reference's in every case.
 */
import { fieldPath, fieldSpec, type MessagePart, type Rule } from '@podsec/ir';
import type { RegoEmitter } from './emitter.js';
import { containerReader, podReader } from './fields.js';
import { helper } from './helpers.js';
import { regoRef } from './refs.js';
import { regoString } from './strings.js';

/** The Rego term of one part, for the container bound to `c`. */
type PartTerm<K extends MessagePart['kind']> = (part: Extract<MessagePart, { kind: K }>, e: RegoEmitter, c: string) => string;

/**
 * A function of an annotation key: the Pod annotation's value when it is a string, else "". The
 * annotation map is read from the template itself (not through a null-returning reader), so an
 * unset map, an unset key and a non-string value all end in the same `else`.
 */
function annotationText(e: RegoEmitter): string {
  const annotations = regoRef('pod_template', fieldPath(fieldSpec('annotations'), 'pod'));
  return e.shared('message:annotation', 'fields', 'pod_annotation_text', (name) => [
    '# The Pod annotation `key` as a message shows it: its value when a string, else "".',
    `${name}(key) := v if {`,
    `\tv := ${annotations}[key]`,
    '\tis_string(v)',
    '} else := ""',
  ]);
}

const PART_TERMS: { [K in MessagePart['kind']]: PartTerm<K> } = {
  text: (part) => regoString(part.text),
  containerName: (_part, e, c) => `${helper(e, 'container_name')}(${c})`,
  field: (part, e, c) => `${helper(e, 'message_string')}(${part.scope === 'pod' ? podReader(e, part.field) : `${containerReader(e, part.field)}(${c})`})`,
  annotation: (part, e) => `${annotationText(e)}(${regoString(part.key)})`,
  // The key is prefix + the container's name as messages show it ("" when it has none), as the reference reads it.
  containerAnnotation: (part, e, c) => `${annotationText(e)}(concat("", [${regoString(part.keyPrefix)}, ${helper(e, 'container_name')}(${c})]))`,
};

/** Whether a part reads the container (the function's argument is otherwise `_`). */
const READS_CONTAINER: Readonly<Record<MessagePart['kind'], (part: MessagePart) => boolean>> = {
  text: () => false,
  containerName: () => true,
  field: (part) => part.kind === 'field' && part.scope === 'container',
  annotation: () => false,
  containerAnnotation: () => true,
};

/** Past this width the parts are listed one a line (layout.ts would otherwise break the call at an arbitrary list). */
const ONE_LINE_WIDTH = 120;

/** Adds `<rule>_container_text(c)`, the text reported for container `c` at fault; returns its name. */
export function containerTextFunction(e: RegoEmitter, rule: Rule, base: string): string {
  const parts = rule.containerMessage ?? [];
  const name = e.name(`${base}_container_text`);
  const c = parts.some((p) => READS_CONTAINER[p.kind](p)) ? 'c' : '_';
  const terms = parts.map((p) => (PART_TERMS[p.kind] as PartTerm<MessagePart['kind']>)(p, e, c));
  const head = `${name}(${c}) :=`;
  const comment = `# The text rule ${regoString(rule.id)} reports for container c at fault.`;
  // Every term is a string, so one term is the text itself; a long text lists one part a line.
  const oneLine = `${head} ${terms.length > 1 ? `concat("", [${terms.join(', ')}])` : (terms[0] ?? '""')}`;
  const lines =
    oneLine.length <= ONE_LINE_WIDTH ? [oneLine] : [`${head} concat("", [`, ...terms.map((t, i) => `\t${t}${i < terms.length - 1 ? ',' : ''}`), '])'];
  e.add('rules', [comment, ...lines]);
  return name;
}
