/**
 * Generic helpers, each emitted only when a rule needs it, under a fixed name (reserved in
 * emitter.ts). Every helper is total: it yields a value for any input rather than leaving a
 * caller undefined, which in Rego would silently read as "no violation".
 */
import type { RegoEmitter } from './emitter.js';

const HELPERS = {
  containers: [
    '# The containers of the listed kinds in the Pod template; a missing kind (or one that is not',
    '# a list) contributes none.',
    'containers(kinds) := [c | some kind in kinds; list := pod_template.spec[kind]; is_array(list); some c in list]',
  ],
  items: ['# A list value, or no items when the value is unset or not a list.', 'items(x) := x if {', '\tis_array(x)', '} else := []'],
  entries_with_prefix: [
    '# The values of the map entries whose key starts with prefix; none when the map is unset.',
    'entries_with_prefix(m, prefix) := [value | is_object(m); some key, value in m; startswith(key, prefix)]',
  ],
  labels_of: [
    '# The string-valued labels of an object (no labels: an empty object).',
    'labels_of(obj) := {key: value | some key, value in obj.metadata.labels; is_string(value)}',
  ],
  capability_name: [
    '# Capability names as container runtimes read them: upper-cased, without a CAP_ prefix, so',
    '# "sys_admin" and "CAP_SYS_ADMIN" both name SYS_ADMIN. Non-strings are compared as they are.',
    'capability_name(x) := name if {',
    '\tis_string(x)',
    '\tname := trim_prefix(upper(x), "CAP_")',
    '} else := x',
  ],
} as const satisfies Record<string, readonly string[]>;

export type HelperName = keyof typeof HELPERS;

/** The helper's name, after making sure the module defines it. */
export function helper(e: RegoEmitter, name: HelperName): string {
  return e.shared(`helper:${name}`, 'helpers', name, () => [...HELPERS[name]], true);
}
