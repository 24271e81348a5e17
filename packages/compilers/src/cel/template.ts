/**
 * The variables every validation shares: the Pod template selected by kind, its spec, and the
 * concatenated container lists. Selecting the template in one variable lets the same validation
 * text serve Pods and every Pod controller, with no dependence on Kyverno's textual autogen.
 */
import { CONTAINER_KINDS, POD_KINDS, type ContainerKind, type PodKind } from '@podsec/ir';
import { ifThen } from './bool.js';
import { celList, celString } from './literal.js';
import { optionalPath, valueOr } from './path.js';
import type { CheckScope } from './checks.js';

export interface CelVariable {
  name: string;
  expression: string;
}

/**
 * CEL selecting the Pod template of `root` (a Pod or Pod controller) among the matched `kinds`.
 * Branches are wrapped in `dyn()` because a Pod and a PodTemplateSpec are different types to a
 * schema-aware checker; a controller without a template yields `{}`, which reads as "all absent".
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
  const branches = [...groups.values()].map((g) => ({
    kinds: g.kinds,
    value: g.path.length === 0 ? root : valueOr(optionalPath(root, g.path), '{}'),
  }));
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
const EXEMPT_VAR = 'ec';

/** gatekeeper-library's image pattern as CEL over a string: equal, or a prefix when it ends with `*`. */
export function wildcardCel(text: string, pattern: string): string {
  return pattern.endsWith('*') ? `${text}.startsWith(${celString(pattern.slice(0, -1))})` : `${text} == ${celString(pattern)}`;
}

/** The list without the containers whose image matches an exempt pattern. */
function exemptFilter(list: string, patterns: readonly string[]): string {
  if (patterns.length === 0) return list;
  const image = `${EXEMPT_VAR}.?image`;
  const matches = patterns.map((p) => wildcardCel(`${image}.value()`, p)).join(' || ');
  return `(${list}).filter(${EXEMPT_VAR}, !(${image}.hasValue() && type(${image}.value()) == string && (${matches})))`;
}
const SPEC_VAR = 'spec';

/** Variable name of the concatenated list of these container kinds. */
export function containerListName(kinds: readonly ContainerKind[]): string {
  const ordered = CONTAINER_KINDS.filter((k) => kinds.includes(k));
  if (ordered.length === CONTAINER_KINDS.length) return 'allContainers';
  return ordered.map((k, i) => (i === 0 ? k : k[0]!.toUpperCase() + k.slice(1))).join('And');
}

/**
 * A check scope that reads through `variables.*` and records which container lists were used, so
 * only those are declared.
 */
export class SharedVariables implements CheckScope {
  private readonly lists = new Map<string, readonly ContainerKind[]>();

  /** `exemptImages`: patterns whose containers the lists leave out (bound IR: a literal list). */
  constructor(
    private readonly kinds: readonly PodKind[],
    private readonly exemptImages: readonly string[] = [],
  ) {}

  pod(path: readonly string[]): string {
    return path[0] === 'spec' ? optionalPath(`variables.${SPEC_VAR}`, path.slice(1)) : optionalPath(`variables.${TEMPLATE_VAR}`, path);
  }

  containers(kinds: readonly ContainerKind[]): string {
    if (kinds.length === 0) return '[]';
    const name = containerListName(kinds);
    this.lists.set(
      name,
      CONTAINER_KINDS.filter((k) => kinds.includes(k)),
    );
    return `variables.${name}`;
  }

  /** The variable declarations, in dependency order; container lists sorted by name. */
  declarations(): CelVariable[] {
    const lists = [...this.lists.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      { name: TEMPLATE_VAR, expression: templateExpression('object', this.kinds) },
      { name: SPEC_VAR, expression: valueOr(`variables.${TEMPLATE_VAR}.?spec`, '{}') },
      ...lists.map(([name, kinds]) => ({
        name,
        expression: exemptFilter(kinds.map((k) => valueOr(optionalPath(`variables.${SPEC_VAR}`, [k]), '[]')).join(' + '), this.exemptImages),
      })),
    ];
  }
}
