/**
 * Generic helpers, each emitted only when a rule needs it, under a fixed name (reserved in
 * emitter.ts). Every helper is total: it yields a value for any input rather than leaving a
 * caller undefined, which in Rego would silently read as "no violation".
 */
import { CONTAINER_MESSAGE_SEPARATOR } from '@podsec/ir';
import type { RegoEmitter } from './emitter.js';
import { regoString } from './strings.js';

const HELPERS = {
  containers: [
    '# The containers of the listed kinds in spec (the Pod spec, or a spec holding one container',
    '# alone); a missing kind, or one that is not a list, contributes none.',
    'containers(spec, kinds) := [c | some kind in kinds; list := spec[kind]; is_array(list); some c in list]',
  ],
  container_name: [
    '# What names a container in a message: its name, or "" when it has none.',
    'container_name(c) := name if {',
    '\tname := c.name',
    '\tis_string(name)',
    '} else := ""',
  ],
  rule_message: [
    "# A rule's message naming the containers at fault, as Pod Security Admission words it:",
    '# `message (container "a" detail)`, `message (containers "a", "b" detail)`, or message alone.',
    'rule_message(message, _, names) := message if count(names) == 0',
    '',
    'rule_message(message, detail, names) := concat("", [message, " (container \\"", names[0], "\\" ", detail, ")"]) if count(names) == 1',
    '',
    'rule_message(message, detail, names) := concat("", [message, " (containers \\"", concat("\\", \\"", names), "\\" ", detail, ")"]) if count(names) > 1',
  ],
  container_message: [
    "# A containerMessage rule's message: the texts of its containers at fault joined, or the message",
    '# alone when none is at fault (the fault is in the Pod itself).',
    'container_message(message, texts) := message if count(texts) == 0',
    '',
    `container_message(_, texts) := concat(${regoString(CONTAINER_MESSAGE_SEPARATOR)}, texts) if count(texts) > 0`,
  ],
  message_string: [
    '# A value as a message shows it: a string as it is, anything else (unset, null, a number) as "".',
    'message_string(x) := x if {',
    '\tis_string(x)',
    '} else := ""',
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
  scalar: ['# A string, number or boolean.', 'scalar(x) if is_string(x)', '', 'scalar(x) if is_number(x)', '', 'scalar(x) if is_boolean(x)'],
  scalar_list: ['# A list of strings, numbers and booleans only.', 'scalar_list(x) if {', '\tis_array(x)', '\tevery e in x {', '\t\tscalar(e)', '\t}', '}'],
  string_list: ['# A list of strings only.', 'string_list(x) if {', '\tis_array(x)', '\tevery e in x {', '\t\tis_string(e)', '\t}', '}'],
  wildcard_match: [
    '# gatekeeper-library image/sysctl patterns: equal, or a prefix when the pattern ends with "*".',
    'wildcard_match(pattern, value) if {',
    '\tendswith(pattern, "*")',
    '\tstartswith(value, trim_suffix(pattern, "*"))',
    '}',
    '',
    'wildcard_match(pattern, value) if {',
    '\tnot endswith(pattern, "*")',
    '\tvalue == pattern',
    '}',
  ],
  path_segments: [
    '# Path segments as PodSecurityPolicy compares them: slashes trimmed at both ends; "/" alone has none.',
    'path_segments(p) := [] if p == "/"',
    '',
    'path_segments(p) := split(trim(p, "/"), "/") if p != "/"',
  ],
  path_under: [
    "# The prefix's segments are a prefix of the path's (allowedHostPaths: /foo admits /foo/bar, not /food).",
    'path_under(prefix, path) if {',
    '\ta := path_segments(prefix)',
    '\tb := path_segments(path)',
    '\tcount(a) <= count(b)',
    '\tevery i, s in a {',
    '\t\tb[i] == s',
    '\t}',
    '}',
  ],
  key_allowed: [
    '# An object key that is always allowed, or listed.',
    'key_allowed(k, ignore, _) if k in ignore',
    '',
    'key_allowed(k, _, allowed) if k in allowed',
  ],
} as const satisfies Record<string, readonly string[]>;

export type HelperName = keyof typeof HELPERS;

/** Helpers a helper calls. */
const DEPENDS: Partial<Record<HelperName, readonly HelperName[]>> = {
  scalar_list: ['scalar'],
  path_under: ['path_segments'],
};

/** How to call the helper, after making sure the module (or its library) defines it and the helpers it calls. */
export function helper(e: RegoEmitter, name: HelperName): string {
  for (const dep of DEPENDS[name] ?? []) helper(e, dep);
  e.shared(`helper:${name}`, 'helpers', name, () => [...HELPERS[name]], true);
  return e.helperCall(name);
}
