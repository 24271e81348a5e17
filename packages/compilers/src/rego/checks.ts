/**
 * IR checks → named Rego rules that are defined exactly when the check holds (they are never
 * `false`, so `not name` means "does not hold"). Leaves read values through the null-safe field
 * readers and test them with a function that decides "unset" explicitly per `absent`. Inside a
 * binding (`items`, `some`) a check becomes a function of the bound values, called with the same
 * local names, so every rule head doubles as its call.
 */
import { CONTAINER_KINDS, type Check, type PolicyIR } from '@podsec/ir';
import { describeCheck } from './describe.js';
import { indent, ruleBlock, type RegoEmitter } from './emitter.js';
import { containerReader, effectiveReader, itemReader, podReader } from './fields.js';
import { helper } from './helpers.js';
import { applied, bindingArgs, refTerm, type Bindings } from './params.js';
import { predicateFunction, testedFunction } from './predicates.js';
import { regoArray, regoComment, regoString } from './strings.js';

export interface CheckContext {
  ir: PolicyIR;
  /** IR path of the check, e.g. `rules[2].require.checks[0]`. */
  at: string;
  /** Values bound by enclosing `items`/`some` (none at a rule's root). */
  bindings?: Bindings;
}

interface Site {
  e: RegoEmitter;
  /** The rule's allocated name, and the name its parts derive theirs from. */
  name: string;
  desired: string;
  ctx: CheckContext;
  bindings: Bindings;
  /** The rule's head, which is also how it is called: `name` or `name(b1, b2)`. */
  head: string;
}

/**
 * The binding that holds the Pod spec container-scoped checks read their containers from. Only
 * the require of a rule whose message names containers takes it as an argument (see messages.ts):
 * called with the Pod's spec it decides the rule, with one container alone it decides whether
 * that container is at fault. Everywhere else containers come from the Pod template itself.
 */
export const SPEC_BINDING = '#spec';
const SPEC_ARG = 'spec';
export const specBinding = (): Bindings => new Map([[SPEC_BINDING, SPEC_ARG]]);

/** The bindings a predicate function takes: predicates never read containers, so not the spec. */
const predicateBindings = (b: Bindings): Bindings => (b.has(SPEC_BINDING) ? new Map([...b].filter(([k]) => k !== SPEC_BINDING)) : b);

/**
 * The Pod template's spec, or {} when it has none: passed to a function, an undefined argument
 * would leave the call undefined, and a controller without a template would fail every rule.
 */
export function podSpec(e: RegoEmitter): string {
  return e.shared(
    'pod_spec',
    'admission',
    'pod_spec',
    (name) => [
      "# The Pod template's spec, or {} when it has none (then it has no containers).",
      `${name} := s if {`,
      ...indent(['s := pod_template.spec']),
      '} else := {}',
    ],
    true,
  );
}

/** The containers a container-scoped check visits: all of the kinds, less those exempt by image. */
function containersTerm(e: RegoEmitter, ir: PolicyIR, kinds: readonly string[] | undefined, bindings: Bindings): string {
  const spec = bindings.get(SPEC_BINDING) ?? podSpec(e);
  const list = `${helper(e, 'containers')}(${spec}, ${regoArray(kinds ?? CONTAINER_KINDS)})`;
  if (ir.exemptImages === undefined) return list;
  const patterns = e.shared(
    'exempt_image_patterns',
    'admission',
    'exempt_image_patterns',
    (name) => {
      const source = Array.isArray(ir.exemptImages) ? regoArray(ir.exemptImages) : refTerm(e, ir, ir.exemptImages!, bindings);
      return [
        '# exemptImages: containers whose image matches one of these patterns are not checked (a list',
        '# holding anything but strings exempts nothing).',
        `${name} := p if {`,
        ...indent([`p := ${source}`, `${helper(e, 'string_list')}(p)`]),
        '} else := []',
      ];
    },
    true,
  );
  const exempt = e.shared(
    'exempt_image',
    'admission',
    'exempt_image',
    (name) => [`${name}(c) if {`, ...indent([`is_string(c.image)`, `some p in ${patterns}`, `${helper(e, 'wildcard_match')}(p, c.image)`]), '}'],
    true,
  );
  return `[c | some c in ${list}; not ${exempt}(c)]`;
}

/** Lines that visit every checked container of the check's kinds, wrapping `inner(c)`. */
function everyContainer(site: Site, check: { containers?: readonly string[] }, inner: (c: string) => string[]): string[] {
  const c = site.e.variable('c');
  return [`every ${c} in ${containersTerm(site.e, site.ctx.ir, check.containers, site.bindings)} {`, ...indent(inner(c)), '}'];
}

/** The rule's definition lines (without its comment), one entry per check kind. */
type CheckRenderer<K extends Check['kind']> = (check: Extract<Check, { kind: K }>, site: Site) => string[];
type CheckTable = { [K in Check['kind']]: CheckRenderer<K> };

const parts = (checks: readonly Check[], { e, desired, ctx, bindings }: Site) =>
  checks.map((c, i) => compileCheck(e, c, `${desired}_${i + 1}`, { ...ctx, at: `${ctx.at}.checks[${i}]`, bindings }));

const predSite = (site: Site) => ({ e: site.e, ir: site.ctx.ir, bindings: predicateBindings(site.bindings) });
const withArgs = (site: Site, name: string, value: string) => applied(name, [value, ...bindingArgs(predicateBindings(site.bindings))]);

/** Lines that hold when every item of `listTerm` passes the sub-check, with the item bound to `as`. */
function everyItemBound(site: Site, listTerm: string, as: string, check: Check): string[] {
  const item = site.e.variable('item');
  const inner = new Map(site.bindings).set(as, item);
  const sub = compileCheck(site.e, check, `${site.desired}_item`, { ...site.ctx, at: `${site.ctx.at}.check`, bindings: inner });
  return [`every ${item} in ${helper(site.e, 'items')}(${listTerm}) {`, ...indent([sub]), '}'];
}

/** The kinds a container field check visits, as a key; undefined for any other check. */
const loopKey = (c: Check): string | undefined => (c.kind === 'field' && c.scope !== 'pod' ? JSON.stringify(c.containers ?? CONTAINER_KINDS) : undefined);

/** The test of one container field check on container `c`, under its description. */
function fieldTest(site: Site, check: Extract<Check, { kind: 'field' }>, c: string): string[] {
  const test = testedFunction(predSite(site), `${site.name}_value`, check.pred, check.absent);
  const read = check.scope === 'effective' ? effectiveReader(site.e, check.field) : containerReader(site.e, check.field);
  return [...regoComment(describeCheck(check)), withArgs(site, test, `${read}(${c})`)];
}

/**
 * Container field checks over the same kinds share one loop, as hand-written Rego says it: every
 * container passes A, and every container passes B, is every container passing A and B.
 */
function allParts(check: Extract<Check, { kind: 'all' }>, site: Site): string[] {
  const keys = check.checks.map(loopKey);
  const body: string[] = [];
  const looped = new Set<number>();
  check.checks.forEach((c, i) => {
    if (looped.has(i)) return;
    const group = keys[i] === undefined ? [] : keys.flatMap((k, j) => (k === keys[i] ? [j] : []));
    if (group.length < 2) {
      body.push(compileCheck(site.e, c, `${site.desired}_${i + 1}`, { ...site.ctx, at: `${site.ctx.at}.checks[${i}]`, bindings: site.bindings }));
      return;
    }
    for (const j of group) looped.add(j);
    body.push(
      ...everyContainer(site, c as { containers?: readonly string[] }, (cv) =>
        group.flatMap((j) => fieldTest(site, check.checks[j] as Extract<Check, { kind: 'field' }>, cv)),
      ),
    );
  });
  return body;
}

const CHECKS: CheckTable = {
  all: (check, site) => ruleBlock(site.head, allParts(check, site)),
  any: (check, site) => parts(check.checks, site).flatMap((p, i) => [...(i ? [''] : []), `${site.head} if ${p}`]),
  not: (check, site) => [
    `${site.head} if not ${compileCheck(site.e, check.check, `${site.desired}_1`, { ...site.ctx, at: `${site.ctx.at}.check`, bindings: site.bindings })}`,
  ],
  field: (check, site) => {
    const { e, name } = site;
    const test = testedFunction(predSite(site), `${name}_value`, check.pred, check.absent);
    if (check.scope === 'pod') return ruleBlock(site.head, [withArgs(site, test, podReader(e, check.field))]);
    const read = check.scope === 'effective' ? effectiveReader(e, check.field) : containerReader(e, check.field);
    return ruleBlock(
      site.head,
      everyContainer(site, check, (c) => [withArgs(site, test, `${read}(${c})`)]),
    );
  },
  each: (check, site) => {
    const { e, name } = site;
    const test = testedFunction(predSite(site), `${name}_item`, check.pred, check.absent);
    const inItem = itemReader(e, check.path);
    const everyItem = (listTerm: string) => {
      const item = e.variable('item');
      return [`every ${item} in ${helper(e, 'items')}(${listTerm}) {`, ...indent([withArgs(site, test, inItem ? `${inItem}(${item})` : item)]), '}'];
    };
    if (check.scope === 'pod') return ruleBlock(site.head, everyItem(podReader(e, check.field)));
    const read = containerReader(e, check.field);
    return ruleBlock(
      site.head,
      everyContainer(site, check, (c) => everyItem(`${read}(${c})`)),
    );
  },
  entries: (check, site) => {
    const { e, name } = site;
    // Entry values are tested as they are, JSON null included: `entries` has no `absent`.
    const test = predicateFunction(e, `${name}_value`, [check.pred], predSite(site));
    const value = e.variable('value');
    const map = podReader(e, check.field);
    return ruleBlock(site.head, [
      `every ${value} in ${helper(e, 'entries_with_prefix')}(${map}, ${regoString(check.keyPrefix)}) {`,
      ...indent([withArgs(site, test, value)]),
      '}',
    ]);
  },
  items: (check, site) => {
    if (check.scope === 'pod') return ruleBlock(site.head, everyItemBound(site, podReader(site.e, check.field), check.as, check.check));
    const read = containerReader(site.e, check.field);
    return ruleBlock(
      site.head,
      everyContainer(site, check, (c) => everyItemBound(site, `${read}(${c})`, check.as, check.check)),
    );
  },
  value: (check, site) => {
    const test = testedFunction(predSite(site), `${site.name}_value`, check.pred, check.absent);
    return ruleBlock(site.head, [withArgs(site, test, refTerm(site.e, site.ctx.ir, check.of, site.bindings))]);
  },
  some: (check, site) => {
    const { e } = site;
    const list = e.variable('list');
    const el = e.variable('el');
    const inner = new Map(site.bindings).set(check.as, el);
    const sub = compileCheck(e, check.check, `${site.desired}_some`, { ...site.ctx, at: `${site.ctx.at}.check`, bindings: inner });
    return ruleBlock(site.head, [`${list} := ${refTerm(e, site.ctx.ir, check.in, site.bindings)}`, `is_array(${list})`, `some ${el} in ${list}`, sub]);
  },
  const: (check, site) => [check.holds ? `${site.head} if true` : `${site.head} if false`],
  containerAnnotation: (check, site) => {
    const { e, name } = site;
    const test = testedFunction(predSite(site), `${name}_value`, check.pred, check.absent);
    const read = e.shared('container_annotation', 'fields', 'container_annotation', (fn) => [
      "# The Pod annotation keyed by prefix + the container's name, or null when unset.",
      `${fn}(c, prefix) := v if {`,
      ...indent(['is_string(c.name)', 'v := pod_template.metadata.annotations[concat("", [prefix, c.name])]', 'v != null']),
      '} else := null',
    ]);
    return ruleBlock(
      site.head,
      everyContainer(site, check, (c) => [withArgs(site, test, `${read}(${c}, ${regoString(check.keyPrefix)})`)]),
    );
  },
};

/** Compiles `check` into a rule named (close to) `desired`; returns how to call it (its head). */
export function compileCheck(e: RegoEmitter, check: Check, desired: string, ctx: CheckContext): string {
  const name = e.name(desired);
  const bindings = ctx.bindings ?? new Map<string, string>();
  const head = applied(name, bindingArgs(bindings));
  // Reserve the place first so the rule reads above the parts it creates.
  const place = e.slot('rules');
  const render = CHECKS[check.kind] as CheckRenderer<Check['kind']>;
  place([...regoComment(describeCheck(check)), ...render(check, { e, name, desired, ctx, bindings, head })]);
  return head;
}
