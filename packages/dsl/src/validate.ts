/**
 * Definition-time checks: everything the type system cannot see (or that plain JavaScript
 * authors bypass). Each finding names the policy, the rule and the field, and says how to fix it.
 */
import { fieldSpec, FIELDS, walkChecks, walkPredicates, type Check, type PolicyIR, type Predicate, type Scalar } from '@podsec/ir';
import { LINUX_CAPABILITIES } from './capabilities.js';
import { PolicyDefinitionError } from './errors.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ID_FIELDS = new Set(['runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups']);
const CAPABILITY_FIELDS = new Set(['capabilities.add', 'capabilities.drop']);
const PROFILE_FIELDS: Record<string, string> = {
  'seccompProfile.type': 'seccompProfile.localhostProfile',
  'appArmorProfile.type': 'appArmorProfile.localhostProfile',
};

type Fail = (where: string, problem: string, fix: string) => never;

function predicateValues(p: Predicate): Scalar[] {
  return [...walkPredicates(p)].flatMap((q) => ('values' in q ? q.values : 'value' in q ? [q.value] : []));
}

const scalarType = (t: string) => (t === 'integer' || t === 'integer[]' ? 'number' : t === 'boolean' ? 'boolean' : 'string');

function checkPredicateValues(check: Extract<Check, { pred: Predicate }>, where: string, fail: Fail): void {
  if (check.kind === 'entries') return;
  const spec = fieldSpec(check.field);
  const leafType = check.kind === 'each' ? undefined : spec.type;
  for (const q of walkPredicates(check.pred)) {
    if ((q.op === 'in' || q.op === 'containsAll' || q.op === 'hasAnyKey') && q.values.length === 0)
      fail(where, `empty allow-list for "${check.field}": nothing can pass`, `list the allowed values, or use .absent() to forbid the field`);
    if (q.op === 'containsNone' && q.values.length === 0)
      fail(where, `empty deny-list for "${check.field}" has no effect`, `list the values to forbid, or drop the check`);
    if ((q.op === 'prefix' || q.op === 'glob') && q.value === '')
      fail(where, `an empty ${q.op} for "${check.field}" matches every value`, `give a non-empty pattern`);
    if (q.op === 'range' && q.min !== undefined && q.max !== undefined && q.min > q.max)
      fail(where, `range for "${check.field}" is empty (min ${q.min} > max ${q.max})`, `swap the bounds`);
  }
  const values = predicateValues(check.pred);
  if (leafType && ['boolean', 'integer', 'string', 'string[]', 'integer[]'].includes(leafType)) {
    const expected = scalarType(leafType);
    for (const v of values)
      if (typeof v !== expected)
        fail(where, `"${check.field}" holds ${expected} values, but the policy compares it with ${JSON.stringify(v)}`, `use a ${expected} value`);
  }
  if (ID_FIELDS.has(check.field)) {
    const bounds = [...walkPredicates(check.pred)].flatMap((q) => (q.op === 'range' ? [q.min, q.max].filter((b): b is number => b !== undefined) : []));
    for (const v of [...values, ...bounds])
      if (typeof v === 'number' && (v < 0 || !Number.isInteger(v)))
        fail(where, `"${check.field}" is a Linux user/group ID, but the policy uses ${v}`, `use a whole number from 0 to 2147483647`);
  }
  if (CAPABILITY_FIELDS.has(check.field)) {
    for (const v of values) {
      if (typeof v === 'string' && !LINUX_CAPABILITIES.includes(v)) {
        const guess = v.toUpperCase().replace(/^CAP_/, '');
        fail(
          where,
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
        fail(where, `"${check.field}" is one of ${spec.enum.join(', ')}; ${JSON.stringify(v)} can never match`, `use one of ${spec.enum.join(', ')}`);
  }
}

function checkScope(check: Check, where: string, fail: Fail): void {
  if (check.kind !== 'field' && check.kind !== 'each' && check.kind !== 'entries') return;
  if (!FIELDS[check.field]) fail(where, `unknown field "${check.field}"`, `use one of: ${Object.keys(FIELDS).join(', ')}`);
  const spec = fieldSpec(check.field);
  if (check.kind === 'entries') {
    if (spec.type !== 'string-map') fail(where, `"${check.field}" is not a map`, `use annotations(prefix) for annotation maps`);
    return;
  }
  if (check.kind === 'each' && spec.type !== 'object[]')
    fail(where, `"${check.field}" is not a list of objects`, `use a field check with subsetOf/includesAll for scalar lists`);
  const needsPod = check.scope === 'pod' || check.scope === 'effective';
  const needsContainer = check.scope === 'container' || check.scope === 'effective';
  if (needsPod && !spec.pod) fail(where, `"${check.field}" exists only on containers, but is read at ${check.scope} scope`, `use container("${check.field}")`);
  if (needsContainer && !spec.container)
    fail(where, `"${check.field}" exists only on the pod, but is read at ${check.scope} scope`, `use pod("${check.field}")`);
}

/** Within one `all`, tests on the same value whose allowed sets cannot overlap. */
function checkContradictions(root: Check, where: string, fail: Fail): void {
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
        if (merged.size === 0)
          fail(
            where,
            `contradictory constraints on ${c.scope} "${c.field}": ${prev!.text} and ${JSON.stringify([...set])} share no value`,
            `keep one of them, or use any(...) for alternatives`,
          );
        allowed.set(key, { values: merged, text: JSON.stringify([...merged]) });
      } else if (denied && prev) {
        const left = [...prev.values].filter((v) => !denied.has(v));
        if (left.length === 0)
          fail(
            where,
            `contradictory constraints on ${c.scope} "${c.field}": every allowed value ${prev.text} is also forbidden`,
            `remove the value from one of the lists`,
          );
      }
    }
  }
}

/** Requiring a Localhost profile without saying which one admits nothing Kubernetes accepts. */
function checkLocalhostProfiles(rule: PolicyIR['rules'][number], where: string, fail: Fail): void {
  const nodes = [...walkChecks(rule.require)];
  for (const c of nodes) {
    if (c.kind !== 'field' || !(c.field in PROFILE_FIELDS)) continue;
    if (!(c.pred.op === 'equals' && c.pred.value === 'Localhost')) continue;
    const profileField = PROFILE_FIELDS[c.field]!;
    if (!nodes.some((n) => n.kind === 'field' && n.field === profileField))
      fail(
        where,
        `requires ${c.field} Localhost but says nothing about ${profileField}; Kubernetes rejects a Localhost profile without one`,
        `add effective("${profileField}").oneOf([...allowed profiles]) to the rule`,
      );
  }
}

export function validatePolicyIR(ir: PolicyIR): void {
  const policyFail = (where: string, problem: string, fix: string): never => {
    throw new PolicyDefinitionError(ir.name || '<unnamed>', where, problem, fix);
  };
  if (!DNS_LABEL.test(ir.name) || ir.name.length > 50)
    policyFail(
      'name',
      `"${ir.name}" is not a valid name`,
      'use lower-case letters, digits and "-", at most 50 characters, starting and ending with a letter or digit',
    );
  if (!ir.title.trim()) policyFail('title', 'the title is empty', 'give the policy a title');
  if (ir.rules.length === 0) policyFail('rules', 'the policy has no rules', 'add at least one rule');
  const seen = new Set<string>();
  for (const rule of ir.rules) {
    const where = `rule "${rule.id}"`;
    if (!DNS_LABEL.test(rule.id) || rule.id.length > 63) policyFail(where, `rule id "${rule.id}" is not a DNS label`, 'use lower-case letters, digits and "-"');
    if (seen.has(rule.id)) policyFail(where, `duplicate rule id "${rule.id}"`, 'give each rule its own id');
    seen.add(rule.id);
    if (!rule.message.trim()) policyFail(where, 'the message is empty', 'say what is wrong and how to fix it');
    for (const root of [rule.when, rule.require]) {
      if (!root) continue;
      for (const c of walkChecks(root)) {
        if ((c.kind === 'all' || c.kind === 'any') && c.checks.length === 0) policyFail(where, `an empty ${c.kind}(...)`, 'give it at least one check');
        checkScope(c, where, policyFail);
        if ('pred' in c) checkPredicateValues(c, where, policyFail);
      }
      checkContradictions(root, where, policyFail);
    }
    checkLocalhostProfiles(rule, where, policyFail);
  }
}
