/**
 * The variables every validation shares: the Pod template selected by kind, its spec, and the
 * concatenated container lists. Selecting the template in one variable lets the same validation
 * text serve Pods and every Pod controller, with no dependence on Kyverno's textual autogen.
 */
import { MESSAGE_CONTAINER_ORDER, POD_KINDS, type ContainerKind, type PodKind } from '@podsec/ir';
import { and, ifThen, not, or, TRUE } from './bool.js';
import { celList, celString } from './literal.js';
import { mapOr, optionalPath } from './path.js';
import { CONTAINER_VAR, type CheckScope } from './checks.js';

export interface CelVariable {
  name: string;
  expression: string;
}

/**
 * The map at `path` under `base`, else `{}`. The API server validates an object before validating
 * admission, so a controller's template and a template's spec are always there; raw manifests checked
 * offline (`kyverno apply`, CI) can hold `jobTemplate: null` or `spec: null`, which read as empty, as
 * in the reference semantics, rather than failing the whole policy.
 */
function mapAt(base: string, path: readonly string[]): string {
  return `type(${optionalPath(base, path)}.orValue(null)) == map ? ${[base, ...path].join('.')} : {}`;
}

/**
 * CEL selecting the Pod template of `root` (a Pod or Pod controller) among the matched `kinds`.
 * Branches are wrapped in `dyn()` because a Pod and a PodTemplateSpec are different types to a
 * schema-aware checker.
 */
export function templateExpression(root: string, kinds: readonly PodKind[]): string {
  const groups = new Map<string, { path: readonly string[]; kinds: PodKind[] }>();
  for (const spec of POD_KINDS) {
    if (!kinds.includes(spec.kind)) continue;
    const key = spec.template.join('.');
    const group = groups.get(key) ?? { path: spec.template, kinds: [] };
    group.kinds.push(spec.kind);
    groups.set(key, group);
  }
  const branches = [...groups.values()].map((g) => ({ kinds: g.kinds, value: g.path.length ? mapAt(root, g.path) : root }));
  if (branches.length === 0) throw new Error('a policy must match at least one Pod kind (match.kinds is empty)');
  if (branches.length === 1) return branches[0]!.value;
  // The largest group is the fallback branch, so the common case needs one comparison.
  branches.sort((a, b) => b.kinds.length - a.kinds.length);
  const [fallback, ...tested] = branches;
  return tested.reduceRight(
    (otherwise, b) =>
      ifThen(b.kinds.length === 1 ? `${root}.kind == ${celString(b.kinds[0]!)}` : `${root}.kind in ${celList(b.kinds)}`, `dyn(${b.value})`, otherwise),
    `dyn(${fallback!.value})`,
  );
}

const TEMPLATE_VAR = 'template';
const SPEC_VAR = 'spec';
const EXEMPT_VAR = 'ec';

/** gatekeeper-library's image pattern as CEL over a string: equal, or a prefix when it ends with `*`. */
export function wildcardCel(text: string, pattern: string): string {
  return pattern.endsWith('*') ? `${text}.startsWith(${celString(pattern.slice(0, -1))})` : `${text} == ${celString(pattern)}`;
}

/** The list without the containers whose image matches an exempt pattern. */
function exemptFilter(list: string, patterns: readonly string[]): string {
  if (patterns.length === 0) return list;
  const matches = or(...patterns.map((p) => wildcardCel(`${EXEMPT_VAR}.image`, p)));
  return `${list.includes(' ') ? `(${list})` : list}.filter(${EXEMPT_VAR}, ${not(and(`type(${EXEMPT_VAR}.?image.orValue(null)) == string`, matches))})`;
}

/**
 * A kind's list as read from the spec: absent, a raw manifest's `null` or a wrong-typed value count as
 * no containers (`containers` is required, but the spec itself reads as `{}` when a raw manifest has none).
 */
function kindList(kind: ContainerKind): string {
  return `type(${optionalPath(`variables.${SPEC_VAR}`, [kind])}.orValue(null)) == list ? variables.${SPEC_VAR}.${kind} : []`;
}

/** Variable name of the concatenated list of these container kinds. */
export function containerListName(kinds: readonly ContainerKind[]): string {
  const ordered = MESSAGE_CONTAINER_ORDER.filter((k) => kinds.includes(k));
  if (ordered.length === MESSAGE_CONTAINER_ORDER.length) return 'allContainers';
  return ordered.map((k, i) => (i === 0 ? k : k[0]!.toUpperCase() + k.slice(1))).join('And');
}

/**
 * A check scope that reads through `variables.*` and records which container lists were used, so
 * only those are declared. Lists run in Pod Security Admission's order (init, regular, ephemeral),
 * the order messages name containers in.
 */
export class SharedVariables implements CheckScope {
  /** Concatenated lists used, by variable name. */
  private readonly lists = new Map<string, readonly ContainerKind[]>();
  private readonly kindsUsed = new Set<ContainerKind>();

  /** `exemptImages`: patterns whose containers the lists leave out (bound IR: a literal list). */
  constructor(
    private readonly kinds: readonly PodKind[],
    private readonly exemptImages: readonly string[] = [],
  ) {}

  pod(path: readonly string[]): string {
    return path[0] === 'spec' ? optionalPath(`variables.${SPEC_VAR}`, path.slice(1)) : optionalPath(`variables.${TEMPLATE_VAR}`, path);
  }

  /** Maps read through a variable of their own (the annotations, read by several checks), by variable name. */
  private readonly maps = new Map<string, readonly string[]>();

  map(path: readonly string[]): string {
    if (path.join('.') !== 'metadata.annotations') return `(${mapOr(this.pod(path))})`;
    this.maps.set('annotations', path);
    return 'variables.annotations';
  }

  /** A kind's checked containers, a variable of its own. */
  private kind(kind: ContainerKind): string {
    this.kindsUsed.add(kind);
    return `variables.${kind}`;
  }

  /** A CEL list of the checked containers of these kinds, in message order. */
  containers(kinds: readonly ContainerKind[]): string {
    const ordered = MESSAGE_CONTAINER_ORDER.filter((k) => kinds.includes(k));
    if (ordered.length === 0) return '[]';
    if (ordered.length === 1) return this.kind(ordered[0]!);
    ordered.forEach((k) => this.kind(k));
    const name = containerListName(ordered);
    this.lists.set(name, ordered);
    return `variables.${name}`;
  }

  everyContainer(kinds: readonly ContainerKind[], test: string): string {
    if (test === TRUE) return TRUE;
    const list = this.containers(kinds);
    return list === '[]' ? TRUE : `${list}.all(${CONTAINER_VAR}, ${test})`;
  }

  /** The variable declarations, in dependency order: template, spec, each kind's list, then their concatenations by name. */
  declarations(): CelVariable[] {
    const lists = [...this.lists.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const kinds = MESSAGE_CONTAINER_ORDER.filter((k) => this.kindsUsed.has(k));
    return [
      { name: TEMPLATE_VAR, expression: templateExpression('object', this.kinds) },
      { name: SPEC_VAR, expression: mapAt(`variables.${TEMPLATE_VAR}`, ['spec']) },
      ...[...this.maps].map(([name, path]) => ({ name, expression: mapOr(this.pod(path)) })),
      ...kinds.map((k) => ({ name: k, expression: exemptFilter(kindList(k), this.exemptImages) })),
      ...lists.map(([name, ks]) => ({ name, expression: ks.map((k) => this.kind(k)).join(' + ') })),
    ];
  }
}

/**
 * The scope a rule's message reads when it asks which containers offend (offendingContainers in the
 * IR): container-scoped checks see no container (`focus: null`), or only the container `c` of the
 * comprehension around the check, which is of kind `focus`.
 */
export class FocusedScope implements CheckScope {
  constructor(
    private readonly shared: SharedVariables,
    private readonly focus: ContainerKind | null,
  ) {}

  pod(path: readonly string[]): string {
    return this.shared.pod(path);
  }

  map(path: readonly string[]): string {
    return this.shared.map(path);
  }

  everyContainer(kinds: readonly ContainerKind[], test: string): string {
    return this.focus !== null && kinds.includes(this.focus) ? test : TRUE;
  }
}
