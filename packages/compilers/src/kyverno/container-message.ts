/**
 * `validate.message` for a rule with a `containerMessage` (renderContainerMessage and
 * joinContainerMessages in @podsec/ir): one text per offending container, joined by `; `, or the
 * rule's message when none is named.
 *
 * The offending containers are a rule `context` variable, which cannot fail (an engine may
 * evaluate it only when read); the texts are rendered in the message, which is substituted only
 * when the rule fails. Kyverno's JMESPath (kyverno/go-jmespath) has no variables and no root
 * reference, so inside `map(&…, containers)` only the container is in reach, while a text may
 * also quote pod-level values (a pod field, an annotation, the annotation keyed by the
 * container's name). Those are brought next to each container through JSON text:
 * each offending container becomes `[[container], <mark>]`, the mark is replaced by the JSON of
 * the pod-level values, and `parse_json` gives back `[[container], values]` pairs. The mark is
 * U+0001, which no JSON encoder writes raw (Go's json.Marshal and JSON.stringify both escape
 * control characters), so it cannot occur inside an encoded container.
 */
import { CONTAINER_MESSAGE_SEPARATOR, fieldPath, fieldSpec, type MessagePart, type Rule } from '@podsec/ir';
import { jmespathLiteral, variable } from './escape.js';
import { under } from './jmespath.js';

export const MESSAGE_CONTAINERS_VARIABLE = 'messageContainers';

const MARK = jmespathLiteral('\u0001');

/** A value as the message shows it: itself when a string, else ''. `'' || ''` is '' too, so JMESPath truthiness is harmless. */
const asText = (e: string): string => `(type(${e}) == 'string' && ${e} || '')`;

/** The pod-level values a text reads, each once, in first-use order. */
class PodValues {
  readonly expressions: string[] = [];
  constructor(private readonly template: string) {}

  /** The index in the values list of the value at `path` under the Pod template. */
  at(path: readonly string[]): number {
    const e = under(this.template, path);
    const i = this.expressions.indexOf(e);
    return i >= 0 ? i : this.expressions.push(e) - 1;
  }
}

const ANNOTATIONS = fieldPath(fieldSpec('annotations'), 'pod');

/** One part of a container's text; `container` and `values` are where the container and the pod-level values list are read. */
function partExpression(part: MessagePart, container: string, values: string, pod: PodValues): string {
  const name = asText(under(container, ['name']));
  switch (part.kind) {
    case 'text':
      return jmespathLiteral(part.text);
    case 'containerName':
      return name;
    case 'field':
      return part.scope === 'container'
        ? asText(under(container, fieldPath(fieldSpec(part.field), 'container')))
        : asText(`${values}[${pod.at(fieldPath(fieldSpec(part.field), 'pod'))}]`);
    case 'annotation':
      return asText(`${values}[${pod.at([...ANNOTATIONS, part.key])}]`);
    case 'containerAnnotation': {
      const map = `${values}[${pod.at(ANNOTATIONS)}]`;
      const value = `lookup(${map}, join('', [${jmespathLiteral(part.keyPrefix)}, ${name}]))`;
      // lookup() needs an object: annotations that are unset or not a map read as ''.
      return `(type(${map}) == 'object' && type(${value}) == 'string' && ${value} || '')`;
    }
  }
}

const concat = (parts: string[]): string => (parts.length === 1 ? parts[0]! : `join('', [${parts.join(', ')}])`);

const readsPod = (part: MessagePart): boolean =>
  part.kind === 'annotation' || part.kind === 'containerAnnotation' || (part.kind === 'field' && part.scope === 'pod');

/** JMESPath for the texts of the containers in `containers`. */
function containerTexts(parts: readonly MessagePart[], containers: string, template: string): string {
  const pod = new PodValues(template);
  if (!parts.some(readsPod)) return `map(&${concat(parts.map((p) => partExpression(p, '@', '', pod)))}, ${containers})`;
  const text = concat(parts.map((p) => partExpression(p, '[0][0]', '[1]', pod)));
  // `[@]`: a container that is not an object still encodes as JSON (to_string of a string is the bare string).
  const pairs = `join(',', map(&join('', ['[', to_string([@]), ',', ${MARK}, ']']), ${containers}))`;
  const values = `to_string([${pod.expressions.join(', ')}])`;
  return `map(&${text}, parse_json(replace_all(join('', ['[', ${pairs}, ']']), ${MARK}, ${values})))`;
}

/**
 * The whole message is one `{{ }}`: Kyverno then keeps the value as it is, where text around a
 * variable would be scanned again for `{{` coming from the Pod's own values.
 */
export function containerMessageTemplate(rule: Pick<Rule, 'message'>, parts: readonly MessagePart[], template: string): string {
  const v = MESSAGE_CONTAINERS_VARIABLE;
  const texts = containerTexts(parts, v, template);
  return variable(`(length(${v}) > \`0\` && [join(${jmespathLiteral(CONTAINER_MESSAGE_SEPARATOR)}, ${texts})] || [${jmespathLiteral(rule.message)}])[0]`);
}
