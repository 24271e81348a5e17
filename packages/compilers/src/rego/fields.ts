/**
 * Field readers generated from the IR field table. Each returns the value or null, never
 * undefined, so rules can tell "unset" apart from `false` explicitly instead of relying on
 * `not x`, which is true for both (see docs/semantics.md, "Absent fields").
 */
import { fieldPath, fieldSpec, type FieldId } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { snakeCase } from './identifiers.js';
import { regoRef } from './refs.js';
import { regoComment } from './strings.js';

/** `name := v if { v := <ref> } else := null`: the one shape every reader has. */
function readerBlock(comment: string, head: string, ref: string): string[] {
  return [...regoComment(comment), `${head} := v if {`, ...indent([`v := ${ref}`]), '} else := null'];
}

/** A 0-arity rule holding the Pod template's value of `id`, or null. */
export function podReader(e: RegoEmitter, id: FieldId): string {
  // Validated IR (parsePolicyIR) only reads a field at a level it has.
  const path = fieldPath(fieldSpec(id), 'pod');
  return e.shared(`pod:${id}`, 'fields', `pod_${snakeCase(id)}`, (name) =>
    readerBlock(`${path.join('.')} of the Pod template, or null when unset.`, name, regoRef('pod_template', path)),
  );
}

/** A function of a container holding its own value of `id`, or null. */
export function containerReader(e: RegoEmitter, id: FieldId): string {
  const path = fieldPath(fieldSpec(id), 'container');
  return e.shared(`container:${id}`, 'fields', `container_${snakeCase(id)}`, (name) =>
    readerBlock(`${path.join('.')} of container c, or null when unset.`, `${name}(c)`, regoRef('c', path)),
  );
}

/**
 * A function of a container holding the value in effect for it: its own when set, else the
 * Pod's (Kubernetes precedence). Container-only fields have no Pod value to fall back to.
 */
export function effectiveReader(e: RegoEmitter, id: FieldId): string {
  const f = fieldSpec(id);
  const own = containerReader(e, id);
  if (!f.pod) return own;
  const pod = podReader(e, id);
  return e.shared(`effective:${id}`, 'fields', `effective_${snakeCase(id)}`, (name) => [
    `# ${id} in effect for container c: its own value when set, else the Pod's.`,
    `${name}(c) := v if {`,
    ...indent([`v := ${own}(c)`, 'v != null']),
    `} else := ${pod}`,
  ]);
}

/** A function of a list item holding the value at `path` inside it ([] = the item), or null. */
export function itemReader(e: RegoEmitter, path: readonly string[]): string | undefined {
  if (!path.length) return undefined;
  return e.shared(`item:${JSON.stringify(path)}`, 'fields', `item_${snakeCase(path.join('_'))}`, (name) =>
    readerBlock(`${path.join('.')} of a list item, or null when unset.`, `${name}(item)`, regoRef('item', path)),
  );
}
