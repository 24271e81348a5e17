/**
 * IR checks as JMESPath boolean expressions, for `deny.conditions` and `preconditions` — the exact
 * fallback for what patterns cannot say (`not`, `hasAnyKey`, capability normalisation, annotation
 * entries, globs, …).
 *
 * Every expression evaluates to a JSON boolean, never null: Kyverno makes a `{{ }}` that resolves to
 * nothing a rule *error*, and its JMESPath fork (kyverno/go-jmespath interpreter.go) raises
 * NotFoundError on a missing field unless a comparator, function argument, `!`, the left side of
 * `&&`/`||`, a pipe or a projection absorbs it — the right side of `&&` does not. So field reads
 * only appear as operands of `==`/`!=`, of `type()`/`contains()`, or inside filters (never as a bare
 * right operand of `&&`); absence is tested with
 * `== null` (the API server drops JSON nulls, so null and missing are one case, as in evaluate.ts).
 * Only JMESPath-spec functions and Kyverno's own (`to_upper`, `trim_prefix`, `regex_match`, `items`)
 * are used — the community library's extras (`let`, `$`, `items/1`) do not exist in Kyverno.
 *
 * "Every x passes" is written `!(list[?!(pass)])`: a filter over a non-list is null and `!null` is
 * true, which is evaluate.ts's "a missing list passes".
 */
import { CONTAINER_KINDS, fieldPath, fieldSpec, globPattern, normalizeCapability, pathPrefixPattern } from '@podsec/ir';
import type { Check, ContainerKind, FieldSpec, Predicate, Scalar } from '@podsec/ir';
import { jmespathLiteral, jmespathPath } from './escape.js';
import { KyvernoNeedsCelError, KyvernoUnsupportedError } from './errors.js';
import { scanExpression } from '../shared/scan.js';

const JMESPATH_QUOTES = '`\'"';

export const TRUE = '`true`';
export const FALSE = '`false`';

/**
 * Is `e` one operand already — a parenthesised group or a function call spanning the whole text?
 * Literals (`` `…` ``, `'…'`, `"…"`) are skipped so their brackets do not count.
 */
function isAtom(e: string): boolean {
  if (!/^(?:!|[a-z_]+)?\(/.test(e) || !e.endsWith(')')) return false;
  let last = 0;
  let spans = true;
  scanExpression(e, JMESPATH_QUOTES, (i, c, depth) => {
    if (c === ')' && depth === 0 && i < e.length - 1) {
      spans = false;
      return false;
    }
    last = depth;
    return true;
  });
  return spans && last === 0;
}
const TWO_CHAR_OPS: Record<string, string> = { '||': '||', '&&': '&&', '==': 'cmp', '!=': 'cmp' };

/**
 * The operators at the top level of `e` (outside groups, brackets and literals): `|` (pipe, the
 * loosest), `||`, `&&`, `cmp` (comparisons). JMESPath binds comparisons tighter than `&&`, and
 * `&&` tighter than `||`, so operands only need parentheses for looser operators than their parent.
 */
function topLevel(e: string): Set<string> {
  const ops = new Set<string>();
  let skip = -1;
  scanExpression(e, JMESPATH_QUOTES, (i, c, depth) => {
    if (depth !== 0 || i <= skip || c === ')' || c === ']' || c === '}') return true;
    // Only these start a two-character operator: no slice for every other character.
    const two = c === '|' || c === '&' || c === '=' || c === '!' ? TWO_CHAR_OPS[e.slice(i, i + 2)] : undefined;
    if (two) {
      ops.add(two);
      skip = i + 1;
    } else if (c === '|') ops.add('|');
    else if (c === '<' || c === '>') ops.add('cmp');
    return true;
  });
  return ops;
}
const wrapIf = (e: string, looser: readonly string[]): string => {
  const ops = topLevel(e);
  return looser.some((o) => ops.has(o)) ? `(${e})` : e;
};
export const and = (parts: string[]): string => {
  const kept = parts.filter((p) => p !== TRUE);
  if (kept.includes(FALSE)) return FALSE;
  return kept.length === 0 ? TRUE : kept.map((p) => wrapIf(p, ['|', '||'])).join(' && ');
};
export const or = (parts: string[]): string => {
  const kept = parts.filter((p) => p !== FALSE);
  if (kept.includes(TRUE)) return TRUE;
  return kept.length === 0 ? FALSE : kept.map((p) => wrapIf(p, ['|'])).join(' || ');
};
const FLIP: Record<string, string> = { '==': '!=', '!=': '==' };
/** `!e`; a single `==`/`!=` comparison is flipped instead (`a != b`), which reads null alike. */
export const not = (e: string): string => {
  if (e === TRUE) return FALSE;
  if (e === FALSE) return TRUE;
  const ops = topLevel(e);
  const m = ops.size === 1 && ops.has('cmp') ? /^([^=!<>]+) (==|!=) ([^=!<>]+)$/.exec(e) : null;
  if (m && !/[`'"]/.test(m[1]!)) return `${m[1]} ${FLIP[m[2]!]} ${m[3]}`;
  return `!${isAtom(e) ? e : `(${e})`}`;
};
const isType = (v: string, type: 'string' | 'number' | 'array' | 'object'): string => `type(${v}) == '${type}'`;
/** `v` relative to `base` (`@` inside a filter, an absolute path otherwise). */
export const under = (base: string, path: readonly string[]): string =>
  base === '@' ? jmespathPath(path) : path.length ? `${base}.${jmespathPath(path)}` : base;

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Scalar membership with optional capability normalisation, as evaluate.ts normalizeCapability:
 * upper-case ASCII letters, strip one `CAP_`. Kyverno's `to_upper` is Go's strings.ToUpper, which
 * maps every Unicode letter (`ſ` → `S`), so it is only applied to ASCII items; a non-ASCII item keeps
 * its non-ASCII characters under ASCII upper-casing and so can never equal an ASCII name.
 */
function member(values: readonly Scalar[], normalize: 'exact' | 'capability' | undefined, item: string): string {
  if (normalize !== 'capability') return `contains(${jmespathLiteral(values)}, ${item})`;
  const norm = [...new Set(values.map(normalizeCapability))];
  const nonAscii = norm.find((v) => typeof v === 'string' && !ASCII_ONLY.test(v));
  if (nonAscii !== undefined) {
    throw new KyvernoUnsupportedError(
      `capability name ${JSON.stringify(nonAscii)} is not ASCII, and Kyverno's to_upper cannot upper-case ASCII letters only`,
      "use ASCII capability names or normalize: 'exact'",
    );
  }
  const lit = jmespathLiteral(norm);
  const asString = and([
    isType(item, 'string'),
    `regex_match(${jmespathLiteral(ASCII_ONLY.source)}, ${item})`,
    `contains(${lit}, trim_prefix(to_upper(${item}), 'CAP_'))`,
  ]);
  // Non-string items are compared as they are; only worth a branch when the list has non-strings.
  if (norm.every((v) => typeof v === 'string')) return asString;
  return or([asString, and([`type(${item}) != 'string'`, `contains(${lit}, ${item})`])]);
}

/** A predicate on a value that is known to be present (not null). */
export function predicateExpression(pred: Predicate, v: string): string {
  switch (pred.op) {
    case 'equals':
      return `${v} == ${jmespathLiteral(pred.value)}`;
    case 'in':
      return `contains(${jmespathLiteral(pred.values)}, ${v})`;
    case 'notIn':
      return not(`contains(${jmespathLiteral(pred.values)}, ${v})`);
    case 'range':
      return and([
        isType(v, 'number'),
        ...(pred.min !== undefined ? [`${v} >= ${jmespathLiteral(pred.min)}`] : []),
        ...(pred.max !== undefined ? [`${v} <= ${jmespathLiteral(pred.max)}`] : []),
      ]);
    case 'present':
      return TRUE;
    case 'absent':
      return FALSE;
    case 'prefix':
      return and([isType(v, 'string'), `starts_with(${v}, ${jmespathLiteral(pred.value)})`]);
    case 'glob':
      return and([isType(v, 'string'), `regex_match(${jmespathLiteral(globPattern(pred.value))}, ${v})`]);
    case 'subsetOf':
      return and([isType(v, 'array'), not(`${v}[?${not(member(pred.values, pred.normalize, '@'))}]`)]);
    case 'containsAll':
      return and([isType(v, 'array'), ...pred.values.map((x) => `contains(${v}, ${jmespathLiteral(x)})`)]);
    case 'containsNone':
      return and([isType(v, 'array'), not(`${v}[?${member(pred.values, pred.normalize, '@')}]`)]);
    case 'hasAnyKey':
      return and([isType(v, 'object'), `length(keys(${v})[?contains(${jmespathLiteral(pred.values)}, @)]) > \`0\``]);
    case 'and':
      return and(pred.of.map((p) => predicateExpression(p, v)));
    case 'or':
      return or(pred.of.map((p) => predicateExpression(p, v)));
    case 'not':
      return not(predicateExpression(pred.pred, v));
    case 'wildcard':
      return and([
        isType(v, 'string'),
        pred.value.endsWith('*') ? `starts_with(${v}, ${jmespathLiteral(pred.value.slice(0, -1))})` : `${v} == ${jmespathLiteral(pred.value)}`,
      ]);
    case 'pathPrefix':
      return and([isType(v, 'string'), `regex_match(${jmespathLiteral(pathPrefixPattern(pred.value))}, ${v})`]);
    case 'keysIn':
      return and([isType(v, 'object'), not(`keys(${v})[?!contains(${jmespathLiteral([...pred.ignore, ...pred.values])}, @)]`)]);
    case 'at':
      return and([isType(v, 'object'), testedExpression(pred.pred, pred.absent, under(v, pred.path))]);
    case 'ref':
    case 'some':
      // bindParameters leaves only references to list items, which a filter cannot reach across lists.
      throw new KyvernoNeedsCelError(
        `a comparison with another list's item (${pred.op === 'ref' ? JSON.stringify(pred.to) : pred.op}) has no JMESPath form: a filter cannot see the enclosing item`,
      );
  }
}

/**
 * What predicateExpression yields when the value is null: literals are never null, and every
 * type-dependent test starts with a `type()` guard that null fails.
 */
function onNull(pred: Predicate): boolean {
  switch (pred.op) {
    case 'notIn':
    case 'present':
      return true;
    case 'and':
      return pred.of.every(onNull);
    case 'or':
      return pred.of.some(onNull);
    case 'not':
      return !onNull(pred.pred);
    default:
      return false;
  }
}

/**
 * testValue of evaluate.ts: absent decides by `absent`, present values by the predicate. The
 * explicit null test is left out when the predicate already gives the right answer on null.
 */
export function testedExpression(pred: Predicate, absent: 'pass' | 'fail', v: string): string {
  const p = predicateExpression(pred, v);
  if (absent === 'pass') return onNull(pred) ? p : or([`${v} == null`, p]);
  return onNull(pred) ? and([`${v} != null`, p]) : p;
}

// Field paths come from the IR field table; validated IR (parsePolicyIR) only reads a field at a level it has.
export const podPath = (spec: FieldSpec): readonly string[] => fieldPath(spec, 'pod');
export const containerPath = (spec: FieldSpec): readonly string[] => fieldPath(spec, 'container');

/** Image patterns whose containers are not checked (bound IR: a literal list). */
export interface ExpressionOptions {
  exemptImages?: readonly string[];
  /** The variable bound to the item a filter visits (`@`), inside an `items` check. */
  item?: string;
}

/** `image` (an expression) matches one of the exempt patterns (gatekeeper-library `exemptImages`). */
export const exemptExpression = (patterns: readonly string[], image: string): string =>
  or(patterns.map((p) => predicateExpression({ op: 'wildcard', value: p }, image)));

/** Keeps the containers that are not exempt. */
const notExempt = (patterns: readonly string[]): string => `[?${not(exemptExpression(patterns, 'image'))}]`;

/** All (non-exempt) containers of the listed kinds as one list: `T.spec.[containers, initContainers][]`. */
export function containersExpression(template: string, kinds: readonly ContainerKind[] = CONTAINER_KINDS, exemptImages: readonly string[] = []): string {
  const all = `${under(template, ['spec'])}.[${kinds.join(', ')}][]`;
  return exemptImages.length ? `${all} | ${notExempt(exemptImages)}` : all;
}

/** Every container of `kinds` satisfies `pass` (an expression on `@`, the container). */
const everyContainer = (template: string, kinds: readonly ContainerKind[] | undefined, pass: string, o: ExpressionOptions) =>
  not(`${containersExpression(template, kinds, o.exemptImages)} | [?${not(pass)}]`);

/** Inside an `items` filter only the item itself (`@`) is reachable: the check must read nothing else. */
export function insideItem(check: Check, o: ExpressionOptions): string {
  switch (check.kind) {
    case 'all':
      return and(check.checks.map((c) => insideItem(c, o)));
    case 'any':
      return or(check.checks.map((c) => insideItem(c, o)));
    case 'not':
      return not(insideItem(check.check, o));
    case 'const':
      return check.holds ? TRUE : FALSE;
    case 'value':
      if (!('param' in check.of) && check.of.var === o.item)
        return testedExpression(check.pred, check.absent, check.of.path.length ? jmespathPath(check.of.path) : '@');
      break;
    default:
      break;
  }
  throw new KyvernoNeedsCelError(
    `inside an items(...) check, a "${check.kind}" check that reads ${check.kind === 'value' ? 'another value than the item' : 'other fields'} has no JMESPath form: a filter sees only its item`,
  );
}

/** JMESPath boolean expression deciding `check` on the Pod template at `template` (e.g. `request.object.spec.template`). */
export function checkExpression(check: Check, template: string, o: ExpressionOptions = {}): string {
  switch (check.kind) {
    case 'all':
      return and(check.checks.map((c) => checkExpression(c, template, o)));
    case 'any':
      return or(check.checks.map((c) => checkExpression(c, template, o)));
    case 'not':
      return not(checkExpression(check.check, template, o));
    case 'field': {
      const spec = fieldSpec(check.field);
      if (check.scope === 'pod') return testedExpression(check.pred, check.absent, under(template, podPath(spec)));
      const own = jmespathPath(containerPath(spec));
      if (check.scope === 'container') return everyContainer(template, check.containers, testedExpression(check.pred, check.absent, own), o);
      // effective: containers that set the field must pass on their own value; if any container
      // leaves it unset, the pod-level value must pass too (evaluate.ts: own ?? pod).
      const setAndFailing = `${containersExpression(template, check.containers, o.exemptImages)} | [?${own} != null && ${not(predicateExpression(check.pred, own))}]`;
      const unset = `${containersExpression(template, check.containers, o.exemptImages)} | [?${own} == null]`;
      return and([not(setAndFailing), or([testedExpression(check.pred, check.absent, under(template, podPath(spec))), not(unset)])]);
    }
    case 'each': {
      const spec = fieldSpec(check.field);
      const itemPasses = testedExpression(check.pred, check.absent, jmespathPath(check.path));
      if (check.scope === 'pod') return not(`${under(template, podPath(spec))}[?${not(itemPasses)}]`);
      // A container fails when its list has a failing item (non-empty filter result is truthy).
      return not(`${containersExpression(template, check.containers, o.exemptImages)} | [?${jmespathPath(containerPath(spec))}[?${not(itemPasses)}]]`);
    }
    case 'entries': {
      const map = under(template, podPath(fieldSpec(check.field)));
      const failing = `items(${map}, 'key', 'value')[?starts_with(key, ${jmespathLiteral(check.keyPrefix)}) && ${not(predicateExpression(check.pred, 'value'))}]`;
      // items() rejects a non-object, so a missing map short-circuits first (evaluate.ts: no map passes).
      return or([`type(${map}) != 'object'`, not(failing)]);
    }
    case 'items': {
      const spec = fieldSpec(check.field);
      const itemPasses = insideItem(check.check, { ...o, item: check.as });
      if (check.scope === 'pod') return not(`${under(template, podPath(spec))}[?${not(itemPasses)}]`);
      return not(`${containersExpression(template, check.containers, o.exemptImages)} | [?${jmespathPath(containerPath(spec))}[?${not(itemPasses)}]]`);
    }
    case 'const':
      return check.holds ? TRUE : FALSE;
    case 'value':
    case 'some':
      throw new KyvernoUnsupportedError(
        `a "${check.kind}" check on a parameter has no Kyverno form`,
        'compile the instance (bindParameters), which decides it',
      );
    case 'containerAnnotation':
      throw new KyvernoNeedsCelError(
        "a per-container annotation (keyed by the container's name) has no JMESPath form: a container filter cannot read the Pod's annotations",
      );
  }
}
