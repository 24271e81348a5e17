/**
 * The podsec policy IR: engine-neutral, plain JSON, the single source of truth between the DSL
 * and every compiler. Compilers never see DSL objects; fixture generators and `podsec verify`
 * read the same IR (it is written to `<build>/ir/<policy>.json`).
 *
 * Semantics in one paragraph: a policy denies an object when any of its rules is violated. A
 * rule is violated when its `when` condition holds (absent `when`: always) and its `require`
 * check does not. Checks are evaluated against the Pod template of the object (a Pod, or the
 * template of a Pod controller); container-scoped checks hold when they hold for every
 * container of the listed container kinds.
 */

export const IR_VERSION = 1 as const;

export type Scalar = string | number | boolean;

export type Mode = 'enforce' | 'audit' | 'warn';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Operation = 'CREATE' | 'UPDATE';
export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';
export type PodKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

/** Key of an entry in FIELDS (fields.ts). */
export type FieldId = string;

/**
 * A reference to a policy parameter's value (its declared default when the instance does not
 * set it), by path: `['allowedHostPaths']`, `['runAsUser', 'rule']`.
 */
export interface ParamRef {
  param: string[];
  /**
   * Only for a string-list parameter: the entries that start with `prefix`, with `prefix` removed,
   * in list order (`localhost/` on `['runtime/default', 'localhost/a.json']` is `['a.json']`).
   * gatekeeper-library names files inside profile spellings (`localhost/<file>`); this lets a
   * check compare a field with the file part while the template still reads the list at run time.
   */
  prefix?: string;
}
/** A reference into a value bound by an enclosing `some` or `items` (`as`), by path inside it. */
export interface VarRef {
  var: string;
  path: string[];
}
export type Ref = ParamRef | VarRef;

/**
 * How a `ref` predicate compares the tested value `v` with the referenced value `r`; each is the
 * literal predicate of the same meaning once the reference is resolved (bindParameters):
 * equals `v == r`; in/notIn `v ∈ r`; min/max `v >= r` / `v <= r`; prefix, wildcard, pathPrefix,
 * subsetOf, containsAll, containsNone, keysIn as the literal operators with `r` as their operand.
 */
export type RefComparison =
  | 'equals'
  | 'in'
  | 'notIn'
  | 'min'
  | 'max'
  | 'prefix'
  | 'wildcard'
  | 'pathPrefix'
  | 'subsetOf'
  | 'containsAll'
  | 'containsNone'
  | 'keysIn';

/**
 * Declared type of a parameter: a JSON-schema subset. A Gatekeeper template's
 * `openAPIV3Schema` is derived from it; `default` applies when an instance leaves the value unset.
 */
export type ParamSchema =
  | { type: 'boolean'; description?: string; default?: boolean }
  | { type: 'integer'; description?: string; default?: number }
  | { type: 'string'; description?: string; enum?: string[]; default?: string }
  | { type: 'array'; description?: string; items: ParamSchema; default?: unknown[] }
  | { type: 'object'; description?: string; properties: Record<string, ParamSchema>; default?: Record<string, unknown> };

/** Parameter values of one policy instance (a Gatekeeper Constraint's `spec.parameters`). */
export type ParamValues = Record<string, unknown>;

/**
 * A test on one value. `absent` says what a missing value means for the *top-level* predicate;
 * nested predicates (inside and/or/not) only ever see present values.
 */
export type Predicate =
  | { op: 'equals'; value: Scalar }
  | { op: 'in'; values: Scalar[] }
  | { op: 'notIn'; values: Scalar[] }
  /** Inclusive numeric bounds; at least one is given. */
  | { op: 'range'; min?: number; max?: number }
  /** The value must be present (any value). */
  | { op: 'present' }
  /** The value must be absent. */
  | { op: 'absent' }
  /** String prefix. */
  | { op: 'prefix'; value: string }
  /** Glob with `*` (any run of characters) and `?` (one character), matched against the whole string. */
  | { op: 'glob'; value: string }
  /** List value: every element is one of `values`. */
  | { op: 'subsetOf'; values: Scalar[]; normalize?: CapabilityNormalization }
  /** List value: contains every one of `values`. */
  | { op: 'containsAll'; values: Scalar[] }
  /** List value: contains none of `values`. */
  | { op: 'containsNone'; values: Scalar[]; normalize?: CapabilityNormalization }
  /** Object value: has at least one key among `values`. */
  | { op: 'hasAnyKey'; values: string[] }
  /**
   * gatekeeper-library's pattern (exemptImages, sysctl lists): equal to `value`, or, when `value`
   * ends with `*`, starting with what precedes the `*`.
   */
  | { op: 'wildcard'; value: string }
  /**
   * PodSecurityPolicy `allowedHostPaths` matching: the `/`-separated segments of `value` are a
   * prefix of the value's segments, leading and trailing slashes ignored (`/foo` admits `/foo`,
   * `/foo/` and `/foo/bar`, not `/food`; `/` admits every path).
   */
  | { op: 'pathPrefix'; value: string }
  /** Object value: every key other than `ignore` is one of `values` (a volume's source kinds). */
  | { op: 'keysIn'; values: string[]; ignore: string[] }
  /** Object value: the value at `path` inside it passes (`absent` says what a missing one means). */
  | { op: 'at'; path: string[]; pred: Predicate; absent: 'pass' | 'fail' }
  /**
   * Compares with a referenced value (a parameter, or a value bound by `some`/`items`). A reference
   * that resolves to nothing, or to a value of the wrong type, fails the predicate (fail closed).
   */
  | { op: 'ref'; cmp: RefComparison; to: Ref /** keysIn only: keys that are always allowed. */; ignore?: string[] }
  /** Some element of the referenced list passes `pred`, with the element bound to `as`; an empty or missing list: none does. */
  | { op: 'some'; in: Ref; as: string; pred: Predicate }
  | { op: 'and'; of: Predicate[] }
  | { op: 'or'; of: Predicate[] }
  | { op: 'not'; pred: Predicate };

/**
 * How a capability deny-list compares names: `exact` as PSA does; `capability` upper-cases and
 * strips a `CAP_` prefix first, because runtimes accept `sys_admin` and `CAP_SYS_ADMIN`.
 */
export type CapabilityNormalization = 'exact' | 'capability';

export interface TestedPredicate {
  pred: Predicate;
  /** What a missing value means: `pass` (only constrain values that are set) or `fail` (required). */
  absent: 'pass' | 'fail';
}

/**
 * Where a field is read:
 * - `pod`: the pod-level value only;
 * - `container`: each container's own value (pod-level value ignored);
 * - `effective`: each container's value if set, else the pod-level value (Kubernetes precedence).
 */
export type Scope = 'pod' | 'container' | 'effective';

export type Check =
  | { kind: 'all'; checks: Check[] }
  | { kind: 'any'; checks: Check[] }
  | { kind: 'not'; check: Check }
  /** A field test. Container scopes hold when every container of `containers` passes. */
  | ({ kind: 'field'; field: FieldId; scope: Scope; containers?: ContainerKind[] } & TestedPredicate)
  /**
   * A test on each item of a list field (volumes, sysctls, ports): holds when every item passes.
   * `path` selects a value inside the item ([] = the item itself).
   */
  | ({ kind: 'each'; field: FieldId; scope: 'pod' | 'container'; containers?: ContainerKind[]; path: string[] } & TestedPredicate)
  /**
   * A test on each entry of a string map field (annotations) whose key starts with `keyPrefix`:
   * holds when every such entry's value passes.
   */
  | { kind: 'entries'; field: FieldId; keyPrefix: string; pred: Predicate }
  /**
   * Every item of a list field (each container's list at container scope) passes `check`, with the
   * item bound to `as`: read it with `value` checks on `{var: as, path}`. Items of different lists
   * relate through such references (a volumeMount's name equals the enclosing volume's name).
   */
  | { kind: 'items'; field: FieldId; scope: 'pod' | 'container'; containers?: ContainerKind[]; as: string; check: Check }
  /** A test on a parameter value or on a value bound by an enclosing `some`/`items`. */
  | ({ kind: 'value'; of: Ref } & TestedPredicate)
  /** Some element of a referenced list passes `check`, with the element bound to `as`; an empty or missing list: none does. */
  | { kind: 'some'; in: Ref; as: string; check: Check }
  /**
   * The legacy per-container annotations (AppArmor, seccomp): for every checked container, the
   * pod annotation `keyPrefix + <container name>` passes.
   */
  | ({ kind: 'containerAnnotation'; keyPrefix: string; containers?: ContainerKind[] } & TestedPredicate)
  /** A constant; only bindParameters produces it (a parameter test decided by the instance's values). */
  | { kind: 'const'; holds: boolean };

/**
 * One piece of a per-container message (Rule.containerMessage). Values are rendered as the string
 * they hold, and as the empty string when unset or not a string, in every engine; only string
 * fields may be named, so no engine has to format a number or a list.
 */
export type MessagePart =
  | { kind: 'text'; text: string }
  /** The offending container's `name` (unquoted). */
  | { kind: 'containerName' }
  /** A string field of the Pod spec (`scope: 'pod'`) or of the offending container (`scope: 'container'`). */
  | { kind: 'field'; field: FieldId; scope: 'pod' | 'container' }
  /** The pod annotation `key`. */
  | { kind: 'annotation'; key: string }
  /** The pod annotation `keyPrefix + <the offending container's name>`. */
  | { kind: 'containerAnnotation'; keyPrefix: string };

export interface Rule {
  /** DNS-1123 label, unique in the policy; used as the Kyverno rule name. */
  id: string;
  /** Shown when the rule is violated. Plain text: compilers escape it per engine. */
  message: string;
  /**
   * What each offending container must do, e.g. `must set securityContext.privileged=false`: the
   * message then names them, `message (containers "a", "b" detail)` (renderRuleMessage).
   */
  detail?: string;
  /**
   * The text reported for each offending container, in place of `message (containers … detail)`:
   * the violation's message is these texts joined by `; ` in MESSAGE_CONTAINER_ORDER, or `message`
   * alone when no container is named (renderContainerMessages). Lets a policy keep an existing
   * engine's wording, e.g. gatekeeper-library's `Seccomp profile 'x' is not allowed for container
   * 'nginx'. Found at: container securityContext.`. Exclusive with `detail`.
   */
  containerMessage?: MessagePart[];
  /** The rule only applies when this holds (PSA exemptions such as Windows pods, hostUsers: false). */
  when?: Check;
  require: Check;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface Match {
  /** Pod plus the Pod controllers whose templates are checked. */
  kinds: PodKind[];
  operations: Operation[];
  namespaces: { include: string[]; exclude: string[] };
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** Exemptions in the Pod Security Admission sense. */
export interface Exemptions {
  usernames: string[];
  runtimeClasses: string[];
  namespaces: string[];
}

export interface PssRef {
  /** PSA check id, e.g. `runAsNonRoot`, `capabilities_restricted`. */
  check: string;
  /** PSS control name, e.g. `Running as Non-root`. */
  control: string;
  /** Levels this policy belongs to. */
  levels: ('baseline' | 'restricted')[];
  /** The PSA version whose behaviour the policy reproduces, e.g. `v1.37`. */
  version: string;
}

export interface PolicyIR {
  irVersion: typeof IR_VERSION;
  /** DNS-1123 subdomain-safe name; the base of every generated object name. */
  name: string;
  title: string;
  description: string;
  severity: Severity;
  mode: Mode;
  pss?: PssRef;
  /** Where the policy came from (a path relative to the policy directory), for generated headers. */
  source: string;
  match: Match;
  exemptions: Exemptions;
  /**
   * Declared parameters (name → type and default). A policy with parameters is a template:
   * Gatekeeper reads `input.parameters` at run time; the other targets are compiled from the IR
   * with `values` bound (bindParameters).
   */
  parameters?: Record<string, ParamSchema>;
  /**
   * The Gatekeeper constraint kind, when the template must be a drop-in for an existing one (e.g.
   * `K8sPSPHostFilesystem`); by default `Podsec<PolicyName>`. The template is named after it, lower-cased.
   */
  constraintKind?: string;
  /** The parameter values of this instance (a Gatekeeper Constraint's `spec.parameters`); unset ones take their defaults. */
  values?: ParamValues;
  /**
   * Containers whose image matches one of these patterns (gatekeeper-library `exemptImages`:
   * exact, or a prefix when ending with `*`) are skipped by every container-scoped check.
   * A list, or a reference to a string-list parameter.
   */
  exemptImages?: string[] | ParamRef;
  rules: Rule[];
}
