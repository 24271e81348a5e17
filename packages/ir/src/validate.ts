/**
 * Semantic validation of a policy IR: everything the JSON schema cannot say and the DSL's types
 * cannot enforce (plain JavaScript, `// @ts-nocheck` and `as any` authors bypass them). It runs
 * once for every IR, whether built by the DSL or read from `ir/*.json` (parsePolicyIR), so the
 * compilers trust field names, scopes and item paths. Every finding names the policy, the rule
 * and the field, says how to fix it, and all findings are reported together.
 */
import { LINUX_CAPABILITIES } from './capabilities.js';
import { fieldSpec, FIELDS, isKnownField, type FieldSpec, type ItemShape, type ValueType } from './fields.js';
import { PolicyDefinitionError, type PolicyIssue } from './policy-error.js';
import { nameFix } from './suggest.js';
import { paramSchemaAt } from './params.js';
import type { Check, ParamSchema, PolicyIR, Predicate, Ref, Rule, Scalar } from './types.js';
import { isContainerScoped, walkChecks, walkPredicates } from './walk.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ID_FIELDS = new Set(['runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups']);
const CAPABILITY_FIELDS = new Set(['capabilities.add', 'capabilities.drop']);
const SCALAR_TYPES: readonly ValueType[] = ['boolean', 'integer', 'string', 'string[]', 'integer[]'];

type Report = (problem: string, fix: string) => void;
/** `ir`: what every IR must satisfy; `authoring`: also what a policy author cannot have meant. */
export type Tier = 'ir' | 'authoring';
type FieldCheck = Extract<Check, { field: string; pred: Predicate }>;

function predicateValues(p: Predicate): Scalar[] {
  // hasAnyKey names keys, not values; its keys are checked against the item's keys instead.
  return [...walkPredicates(p)].flatMap((q) => (q.op === 'hasAnyKey' || q.op === 'keysIn' ? [] : 'values' in q ? q.values : 'value' in q ? [q.value] : []));
}

const scalarType = (t: ValueType) => (t === 'integer' || t === 'integer[]' ? 'number' : t === 'boolean' ? 'boolean' : 'string');

/** The value type at `path` inside an item of `spec`, or a description of why the path is wrong. */
type PathTarget = { type: ValueType | 'item'; keys?: readonly string[] } | { error: PolicyIssue };

function itemPathTarget(spec: FieldSpec, path: readonly string[], label: string): PathTarget {
  let shape: ItemShape | ValueType | undefined = spec.items;
  if (!shape) return { type: 'item' };
  const walked: string[] = [];
  for (const key of path) {
    if (typeof shape !== 'object') {
      const at = walked.join('.');
      return {
        error: {
          where: label,
          problem: `"${spec.id}" item path ${JSON.stringify(path.join('.'))} goes below "${at}" (${shape}), whose keys podsec does not model`,
          fix: `stop the path at "${at}"`,
        },
      };
    }
    if (!Object.hasOwn(shape, key)) {
      const keys = Object.keys(shape);
      const owner = walked.length ? `"${walked.join('.')}" in a "${spec.id}" item` : `a "${spec.id}" item`;
      const nested = key.includes('.') ? nestedPathFix(shape, key) : undefined;
      return {
        error: {
          where: label,
          problem: `item key ${JSON.stringify(key)} is not a key of ${owner}${nested ? '; a nested path names one key per step' : ''}`,
          fix: nested ?? nameFix(key, keys, 'keys'),
        },
      };
    }
    walked.push(key);
    shape = shape[key];
  }
  return typeof shape === 'object' ? { type: 'object', keys: Object.keys(shape) } : { type: shape ?? 'item' };
}

/** `hostPath.path` written as one key: the fix when its steps are a real nested path. */
function nestedPathFix(shape: ItemShape, dotted: string): string | undefined {
  const steps = dotted.split('.');
  let cur: ItemShape | ValueType | undefined = shape;
  for (const step of steps) {
    if (typeof cur !== 'object' || !Object.hasOwn(cur, step)) return undefined;
    cur = cur[step];
  }
  return `write the path as ${JSON.stringify(steps)} (DSL: .where(${steps.map((s) => `'${s}'`).join(', ')}))`;
}

/** hasAnyKey names real keys (IR tier); values have the type of the value they are compared with (authoring tier). */
function checkValueTypes(check: FieldCheck, tier: Tier, report: Report, leaf: { type: ValueType | 'item'; keys?: readonly string[] }): void {
  for (const q of walkPredicates(check.pred))
    if (q.op === 'hasAnyKey' && leaf.keys)
      for (const key of q.values)
        if (!leaf.keys.includes(key)) report(`key ${JSON.stringify(key)} is not a key of a "${check.field}" item`, nameFix(key, leaf.keys, 'keys'));
  // A value of another type never matches: meaningful IR, but never what an author meant.
  if (check.kind === 'entries' || tier !== 'authoring') return;
  const leafType = leaf.type;
  if (leafType !== 'item' && SCALAR_TYPES.includes(leafType)) {
    const expected = scalarType(leafType);
    for (const v of predicateValues(check.pred))
      if (typeof v !== expected)
        report(`"${check.field}" holds ${expected} values, but the policy compares it with ${JSON.stringify(v)}`, `use a ${expected} value`);
  }
}

/**
 * Authoring tier: values that are well typed but cannot be what the author meant (an empty
 * allow-list, a value outside the enumeration, a misspelt capability). The IR itself allows them
 * (compiler fixtures use `sys_admin` with capability normalisation on purpose), so they are
 * refused at definition time, not when an IR file is read.
 */
function lintValues(check: FieldCheck, spec: FieldSpec, report: Report): void {
  for (const q of walkPredicates(check.pred)) {
    if ((q.op === 'in' || q.op === 'containsAll' || q.op === 'hasAnyKey') && q.values.length === 0)
      report(`empty allow-list for "${check.field}": nothing can pass`, `list the allowed values, or use .absent() to forbid the field`);
    if (q.op === 'containsNone' && q.values.length === 0)
      report(`empty deny-list for "${check.field}" has no effect`, `list the values to forbid, or drop the check`);
    if ((q.op === 'prefix' || q.op === 'glob') && q.value === '')
      report(`an empty ${q.op} for "${check.field}" matches every value`, `give a non-empty pattern`);
    if (q.op === 'range' && q.min !== undefined && q.max !== undefined && q.min > q.max)
      report(`range for "${check.field}" is empty (min ${q.min} > max ${q.max})`, `swap the bounds`);
  }
  if (check.kind === 'entries' || check.kind === 'each') return;
  const values = predicateValues(check.pred);
  if (ID_FIELDS.has(check.field)) {
    const bounds = [...walkPredicates(check.pred)].flatMap((q) => (q.op === 'range' ? [q.min, q.max].filter((b): b is number => b !== undefined) : []));
    for (const v of [...values, ...bounds])
      if (typeof v === 'number' && (v < 0 || !Number.isInteger(v)))
        report(`"${check.field}" is a Linux user/group ID, but the policy uses ${v}`, `use a whole number from 0 to 2147483647`);
  }
  if (CAPABILITY_FIELDS.has(check.field)) {
    for (const v of values) {
      if (typeof v === 'string' && !LINUX_CAPABILITIES.includes(v)) {
        const guess = v.toUpperCase().replace(/^CAP_/, '');
        report(
          `unknown capability spelling ${JSON.stringify(v)} in "${check.field}"`,
          LINUX_CAPABILITIES.includes(guess)
            ? `write "${guess}" (Kubernetes names capabilities without CAP_, upper-case)`
            : `use a name from capabilities(7) without the CAP_ prefix, or "ALL"`,
        );
      }
    }
  }
  if (spec.enum) {
    for (const v of values)
      if (!spec.enum.includes(String(v)))
        report(`"${check.field}" is one of ${spec.enum.join(', ')}; ${JSON.stringify(v)} can never match`, `use one of ${spec.enum.join(', ')}`);
  }
}

/** The field exists, is read at a level it has, and (for `each`) the item path exists; then its values. */
function checkField(check: FieldCheck, label: string, tier: Tier, report: Report, issues: PolicyIssue[]): void {
  if (!isKnownField(check.field)) {
    report(`unknown field "${check.field}"`, nameFix(check.field, Object.keys(FIELDS), 'known fields'));
    return;
  }
  const spec = FIELDS[check.field]!;
  if (check.kind === 'entries') {
    if (spec.type !== 'string-map') return report(`"${check.field}" is not a map`, `use annotations(prefix) for annotation maps`);
    checkValueTypes(check, tier, report, { type: 'string' });
  } else {
    const needsPod = check.scope === 'pod' || check.scope === 'effective';
    const needsContainer = check.scope === 'container' || check.scope === 'effective';
    if (needsPod && !spec.pod)
      return report(`"${check.field}" exists only on containers, but is read at ${check.scope} scope`, `use container("${check.field}")`);
    if (needsContainer && !spec.container)
      return report(`"${check.field}" exists only on the pod, but is read at ${check.scope} scope`, `use pod("${check.field}")`);
    if (check.kind === 'field') checkValueTypes(check, tier, report, { type: spec.type });
    else if (spec.type === 'object[]') {
      const target = itemPathTarget(spec, check.path, label);
      if ('error' in target) return void issues.push(target.error);
      checkValueTypes(check, tier, report, target);
    } else if (spec.type === 'string[]' || spec.type === 'integer[]') {
      // The IR may test each element of a scalar list; the DSL says this with subsetOf/includesAll.
      if (tier === 'authoring') return report(`"${check.field}" is not a list of objects`, `use a field check with subsetOf/includesAll for scalar lists`);
      if (check.path.length) return report(`items of "${check.field}" are ${spec.type === 'string[]' ? 'strings' : 'integers'}, with no keys`, `use path []`);
      checkValueTypes(check, tier, report, { type: spec.type === 'string[]' ? 'string' : 'integer' });
    } else return report(`"${check.field}" is not a list`, `use a field check`);
  }
  if (tier === 'authoring') lintValues(check, spec, report);
}

/** An `items` check names an object-list field at a level it has. */
function checkItemsField(check: Extract<Check, { kind: 'items' }>, report: Report): void {
  if (!isKnownField(check.field)) return report(`unknown field "${check.field}"`, nameFix(check.field, Object.keys(FIELDS), 'known fields'));
  const spec = FIELDS[check.field]!;
  if (spec.type !== 'object[]') return report(`"${check.field}" is not a list of objects`, 'use a field check');
  if (!spec[check.scope])
    return report(`"${check.field}" has no ${check.scope}-level list`, `use ${check.scope === 'pod' ? 'containerItems' : 'podItems'}("${check.field}")`);
}

/**
 * Every parameter reference names a declared parameter (and a declared key below it), and every
 * variable reference names a value bound by an enclosing `some`/`items`, not shadowing another.
 */
function checkReferences(ir: PolicyIR, root: Check, report: Report): void {
  const declared = ir.parameters ?? {};
  const ref = (r: Ref, bound: readonly string[]) => {
    if ('param' in r) {
      const s = paramSchemaAt(declared, r.param);
      if (!s)
        report(
          `parameter ${JSON.stringify(r.param.join('.'))} is not declared`,
          Object.keys(declared).length ? nameFix(r.param[0] ?? '', Object.keys(declared), 'declared parameters') : 'declare it in `parameters`',
        );
      else if (r.prefix !== undefined && (s.type !== 'array' || s.items.type !== 'string'))
        report(
          `the entries of parameter ${JSON.stringify(r.param.join('.'))} starting with ${JSON.stringify(r.prefix)} are read, but it is not a list of strings`,
          'use withPrefix only on a param.array(param.string()) parameter',
        );
    } else if (!bound.includes(r.var)) report(`variable "${r.var}" is not bound here`, 'refer to it only inside the some(...)/items(...) that binds it');
  };
  const bindName = (name: string, bound: readonly string[]) => {
    if (bound.includes(name)) report(`variable "${name}" is bound twice`, 'give the inner binding another name');
    return [...bound, name];
  };
  const pred = (p: Predicate, bound: readonly string[]): void => {
    if (p.op === 'ref') ref(p.to, bound);
    else if (p.op === 'some') {
      ref(p.in, bound);
      pred(p.pred, bindName(p.as, bound));
    } else if (p.op === 'and' || p.op === 'or') for (const q of p.of) pred(q, bound);
    else if (p.op === 'not' || p.op === 'at') pred(p.pred, bound);
  };
  const check = (c: Check, bound: readonly string[]): void => {
    switch (c.kind) {
      case 'all':
      case 'any':
        return c.checks.forEach((x) => check(x, bound));
      case 'not':
        return check(c.check, bound);
      case 'items':
        return check(c.check, bindName(c.as, bound));
      case 'some':
        ref(c.in, bound);
        return check(c.check, bindName(c.as, bound));
      case 'value':
        ref(c.of, bound);
        return pred(c.pred, bound);
      case 'const':
        return;
      default:
        return pred(c.pred, bound);
    }
  };
  check(root, []);
}

/** Declared parameters: defaults only at the top level (Gatekeeper reads nested values as they are), of the declared type. */
function checkParameters(ir: PolicyIR, report: Report): void {
  const nestedDefault = (s: ParamSchema, at: string): void => {
    const children = s.type === 'object' ? Object.entries(s.properties) : s.type === 'array' ? [['[]', s.items] as const] : [];
    for (const [k, child] of children) {
      if (child.default !== undefined) report(`parameter "${at}.${k}" has a default below the top level`, 'give the top-level parameter a default instead');
      nestedDefault(child, `${at}.${k}`);
    }
  };
  for (const [name, s] of Object.entries(ir.parameters ?? {})) nestedDefault(s, name);
  if (ir.exemptImages && !Array.isArray(ir.exemptImages)) {
    const s = paramSchemaAt(ir.parameters, ir.exemptImages.param);
    if (s?.type !== 'array' || s.items.type !== 'string')
      report(
        `exemptImages refers to ${JSON.stringify(ir.exemptImages.param.join('.'))}, which is not a declared list of strings`,
        'declare it as param.array(param.string())',
      );
  }
}

/** Within one `all`, tests on the same value whose allowed sets cannot overlap. */
function checkContradictions(root: Check, report: Report): void {
  for (const node of walkChecks(root)) {
    if (node.kind !== 'all') continue;
    const allowed = new Map<string, { values: Set<Scalar>; text: string }>();
    for (const c of node.checks) {
      if (c.kind !== 'field') continue;
      const key = `${c.field}@${c.scope}@${(c.containers ?? []).join(',')}`;
      const p = c.pred;
      const set = p.op === 'equals' ? new Set<Scalar>([p.value]) : p.op === 'in' ? new Set<Scalar>(p.values) : undefined;
      const denied = p.op === 'notIn' ? new Set<Scalar>(p.values) : undefined;
      const prev = allowed.get(key);
      if (set) {
        const merged = prev ? new Set([...prev.values].filter((v) => set.has(v))) : set;
        if (merged.size === 0 && prev)
          report(
            `contradictory constraints on ${c.scope} "${c.field}": ${prev.text} and ${JSON.stringify([...set])} share no value`,
            `keep one of them, or use any(...) for alternatives`,
          );
        allowed.set(key, { values: merged, text: JSON.stringify([...merged]) });
      } else if (denied && prev) {
        const left = [...prev.values].filter((v) => !denied.has(v));
        if (left.length === 0)
          report(
            `contradictory constraints on ${c.scope} "${c.field}": every allowed value ${prev.text} is also forbidden`,
            `remove the value from one of the lists`,
          );
      }
    }
  }
}

/**
 * Requiring a Localhost profile without saying which one admits nothing Kubernetes accepts.
 * "Requires Localhost" is any test whose only admitted profile type is Localhost: equals,
 * oneOf(['Localhost']), notOneOf of the other types, and combinations of them.
 */
function checkLocalhostProfiles(rule: PolicyIR['rules'][number], report: Report): void {
  const nodes = [...walkChecks(rule.require)];
  for (const c of nodes) {
    if (c.kind !== 'field' || !isKnownField(c.field)) continue;
    const spec = FIELDS[c.field]!;
    if (!spec.localhostProfile || !spec.enum) continue;
    const admitted = spec.enum.filter((v) => testPredicateShallow(c.pred, v));
    if (admitted.length !== 1 || admitted[0] !== 'Localhost') continue;
    const profileField = spec.localhostProfile;
    if (!nodes.some((n) => n.kind === 'field' && n.field === profileField))
      report(
        `requires ${c.field} Localhost but says nothing about ${profileField}; Kubernetes rejects a Localhost profile without one`,
        `add effective("${profileField}").oneOf([...allowed profiles]) to the rule`,
      );
  }
}

/** testPredicate for scalar string values, kept here so validation does not depend on the evaluator. */
function testPredicateShallow(pred: Predicate, v: string): boolean {
  switch (pred.op) {
    case 'equals':
      return pred.value === v;
    case 'in':
      return pred.values.includes(v);
    case 'notIn':
      return !pred.values.includes(v);
    case 'and':
      return pred.of.every((p) => testPredicateShallow(p, v));
    case 'or':
      return pred.of.some((p) => testPredicateShallow(p, v));
    case 'not':
      return !testPredicateShallow(pred.pred, v);
    case 'present':
      return true;
    case 'absent':
      return false;
    case 'prefix':
      return v.startsWith(pred.value);
    default:
      // glob and the list predicates: treat as admitting every value, so no false alarm.
      return true;
  }
}

/** Every mistake in the policy, in rule order; empty when the policy is valid. */
export function policyIssues(ir: PolicyIR, tier: Tier = 'authoring'): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const at =
    (where: string): Report =>
    (problem, fix) =>
      void issues.push({ where, problem, fix });
  if (!DNS_LABEL.test(ir.name) || ir.name.length > 50)
    at('name')(`"${ir.name}" is not a valid name`, 'use lower-case letters, digits and "-", at most 50 characters, starting and ending with a letter or digit');
  if (!ir.title.trim()) at('title')('the title is empty', 'give the policy a title');
  if (ir.rules.length === 0) at('rules')('the policy has no rules', 'add at least one rule');
  checkParameters(ir, at('parameters'));
  const seen = new Set<string>();
  for (const rule of ir.rules) {
    const where = `rule "${rule.id}"`;
    const report = at(where);
    if (!DNS_LABEL.test(rule.id) || rule.id.length > 63) report(`rule id "${rule.id}" is not a DNS label`, 'use lower-case letters, digits and "-"');
    if (seen.has(rule.id)) report(`duplicate rule id "${rule.id}"`, 'give each rule its own id');
    seen.add(rule.id);
    if (!rule.message.trim()) report('the message is empty', 'say what is wrong and how to fix it');
    if (rule.detail !== undefined && ![...walkChecks(rule.require)].some(isContainerScoped))
      report(
        'the rule has a detail but no container-scoped check, so no container can be named',
        'remove the detail, or put it on a rule that checks containers',
      );
    if (rule.containerMessage) checkContainerMessage(rule, report);
    for (const root of [rule.when, rule.require]) {
      if (!root) continue;
      for (const c of walkChecks(root)) {
        if ((c.kind === 'all' || c.kind === 'any') && c.checks.length === 0) report(`an empty ${c.kind}(...)`, 'give it at least one check');
        if (c.kind === 'items') checkItemsField(c, report);
        else if ('field' in c) checkField(c, where, tier, report, issues);
      }
      checkReferences(ir, root, report);
      if (tier === 'authoring') checkContradictions(root, report);
    }
    if (tier === 'authoring') checkLocalhostProfiles(rule, report);
  }
  return issues;
}

/** A containerMessage names containers, so it needs a container-scoped check, and it may only read string fields. */
function checkContainerMessage(rule: Rule, report: (problem: string, fix: string) => void): void {
  if (rule.detail !== undefined) report('the rule has both a detail and a containerMessage', 'keep one: the containerMessage replaces message + detail');
  if (![...walkChecks(rule.require)].some(isContainerScoped))
    report(
      'the rule has a containerMessage but no container-scoped check, so no container can be named',
      'use message alone, or put it on a rule that checks containers',
    );
  for (const part of rule.containerMessage ?? []) {
    if (part.kind !== 'field') continue;
    if (!isKnownField(part.field)) {
      report(`the containerMessage names unknown field "${part.field}"`, nameFix(part.field, Object.keys(FIELDS)));
      continue;
    }
    const spec = fieldSpec(part.field);
    if (spec.type !== 'string')
      report(
        `the containerMessage names field "${part.field}" of type ${spec.type}`,
        'name a string field: every engine renders strings the same way, not numbers or lists',
      );
    if (!spec[part.scope])
      report(`field "${part.field}" has no ${part.scope}-level value to name in the containerMessage`, `use scope "${spec.pod ? 'pod' : 'container'}"`);
  }
}

/** Throws one PolicyDefinitionError listing every mistake in the policy (definePolicy runs the authoring tier). */
export function validatePolicyIR(ir: PolicyIR, tier: Tier = 'authoring'): void {
  const issues = policyIssues(ir, tier);
  if (issues.length) throw new PolicyDefinitionError(ir.name || '<unnamed>', issues);
}
