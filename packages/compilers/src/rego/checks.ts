/**
 * IR checks → named 0-arity Rego rules that are defined exactly when the check holds (they are
 * never `false`, so `not name` means "does not hold"). Leaves read values through the null-safe
 * field readers and test them with a function that decides "unset" explicitly per `absent`.
 */
import { CONTAINER_KINDS, type Check, type PolicyIR, type TestedPredicate } from '@podsec/ir';
import { describeCheck } from './describe.js';
import { indent, ruleBlock, type RegoEmitter } from './emitter.js';
import { containerReader, effectiveReader, itemReader, podReader } from './fields.js';
import { helper } from './helpers.js';
import { alternatives, predicateBody, predicateFunction } from './predicates.js';
import { regoArray, regoComment, regoString } from './strings.js';

export interface CheckContext {
  ir: PolicyIR;
  /** IR path of the check, e.g. `rules[2].require.checks[0]`. */
  at: string;
}

/**
 * `name(v)`: holds when the value passes the tested predicate. Unset (null) values pass or fail
 * per `absent`, before the predicate sees them, as `testValue` does.
 */
function testFunction(e: RegoEmitter, desired: string, t: TestedPredicate): string {
  const name = e.name(desired);
  const place = e.slot('rules');
  // A top-level disjunction becomes one body per alternative rather than a helper function.
  const bodies = alternatives([t.pred]).map((p) => [`${name}(v) if {`, ...indent(['v != null', ...predicateBody(p, 'v', e, name)]), '}']);
  const blocks = [...(t.absent === 'pass' ? [[`${name}(v) if v == null`]] : []), ...bodies];
  place(blocks.flatMap((b, i) => (i ? ['', ...b] : b)));
  return name;
}

/** Lines that visit every container of the check's kinds, wrapping `inner(c)`. */
function everyContainer(e: RegoEmitter, check: { containers?: readonly string[] }, inner: (c: string) => string[]): string[] {
  const c = e.variable('c');
  return [`every ${c} in ${helper(e, 'containers')}(${regoArray(check.containers ?? CONTAINER_KINDS)}) {`, ...indent(inner(c)), '}'];
}

interface Site {
  e: RegoEmitter;
  /** The rule's allocated name, and the name its parts derive theirs from. */
  name: string;
  desired: string;
  ctx: CheckContext;
}

/** The rule's definition lines (without its comment), one entry per check kind. */
type CheckRenderer<K extends Check['kind']> = (check: Extract<Check, { kind: K }>, site: Site) => string[];
type CheckTable = { [K in Check['kind']]: CheckRenderer<K> };

const parts = (checks: readonly Check[], { e, desired, ctx }: Site) =>
  checks.map((c, i) => compileCheck(e, c, `${desired}_${i + 1}`, { ...ctx, at: `${ctx.at}.checks[${i}]` }));

function unsupportedCheck(c: Check): never {
  throw new Error(`the Rego target does not render "${c.kind}" checks yet`);
}

const CHECKS: CheckTable = {
  all: (check, site) => ruleBlock(site.name, parts(check.checks, site)),
  any: (check, site) => parts(check.checks, site).flatMap((p, i) => [...(i ? [''] : []), `${site.name} if ${p}`]),
  not: (check, { e, name, desired, ctx }) => [`${name} if not ${compileCheck(e, check.check, `${desired}_1`, { ...ctx, at: `${ctx.at}.check` })}`],
  field: (check, { e, name }) => {
    const test = testFunction(e, `${name}_value`, check);
    if (check.scope === 'pod') return ruleBlock(name, [`${test}(${podReader(e, check.field)})`]);
    const read = check.scope === 'effective' ? effectiveReader(e, check.field) : containerReader(e, check.field);
    return ruleBlock(
      name,
      everyContainer(e, check, (c) => [`${test}(${read}(${c}))`]),
    );
  },
  each: (check, { e, name }) => {
    const test = testFunction(e, `${name}_item`, check);
    const inItem = itemReader(e, check.path);
    const everyItem = (listTerm: string) => {
      const item = e.variable('item');
      return [`every ${item} in ${helper(e, 'items')}(${listTerm}) {`, ...indent([`${test}(${inItem ? `${inItem}(${item})` : item})`]), '}'];
    };
    if (check.scope === 'pod') return ruleBlock(name, everyItem(podReader(e, check.field)));
    const read = containerReader(e, check.field);
    return ruleBlock(
      name,
      everyContainer(e, check, (c) => everyItem(`${read}(${c})`)),
    );
  },
  items: unsupportedCheck,
  value: unsupportedCheck,
  some: unsupportedCheck,
  const: unsupportedCheck,
  containerAnnotation: unsupportedCheck,
  entries: (check, { e, name }) => {
    // Entry values are tested as they are, JSON null included: `entries` has no `absent`.
    const test = predicateFunction(e, `${name}_value`, [check.pred]);
    const value = e.variable('value');
    const map = podReader(e, check.field);
    return ruleBlock(name, [
      `every ${value} in ${helper(e, 'entries_with_prefix')}(${map}, ${regoString(check.keyPrefix)}) {`,
      ...indent([`${test}(${value})`]),
      '}',
    ]);
  },
};

/** Compiles `check` into a rule named (close to) `desired`; returns the rule's name. */
export function compileCheck(e: RegoEmitter, check: Check, desired: string, ctx: CheckContext): string {
  const name = e.name(desired);
  // Reserve the place first so the rule reads above the parts it creates.
  const place = e.slot('rules');
  const render = CHECKS[check.kind] as CheckRenderer<Check['kind']>;
  place([...regoComment(describeCheck(check)), ...render(check, { e, name, desired, ctx })]);
  return name;
}
