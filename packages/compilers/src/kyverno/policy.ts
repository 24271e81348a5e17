/**
 * PolicyIR → one `kyverno.io/v1` ClusterPolicy. Per IR rule and template location (kinds.ts) one
 * Kyverno rule: a `pattern`/`anyPattern` when check-pattern.ts can say the check exactly, otherwise
 * a single `deny` condition on a JMESPath boolean (jmespath.ts). `when` and runtime-class
 * exemptions become preconditions, so a rule that does not apply is *skipped* (never a failure).
 */
import { RUNTIME_CLASS_PATH, type PolicyIR, type Rule } from '@podsec/ir';
import type { GeneratedNames } from '../shared/names.js';
import { celValidate } from './cel-fallback.js';
import { checkExpression, type ExpressionOptions } from './jmespath.js';
import { checkPattern } from './check-pattern.js';
import { jmespathLiteral, jmespathPath, kyvernoText, variable } from './escape.js';
import { KyvernoCompileError, KyvernoNeedsCelError, KyvernoUnsupportedError } from './errors.js';
import { kindGroups, ruleName, type KindGroup } from './kinds.js';
import { apiVersionGuard, excludeBlock, matchBlock } from './match.js';
import { policyAnnotations } from './metadata.js';
import { atPath, renderPattern, type PatternNode } from './pattern.js';

export type FailureAction = 'Enforce' | 'Audit';

const FAILURE_ACTION: Record<PolicyIR['mode'], FailureAction> = { enforce: 'Enforce', audit: 'Audit', warn: 'Audit' };

export interface KyvernoCompileOptions {
  /**
   * `true` writes a rule as validate patterns where a pattern says it exactly; the default writes
   * JMESPath deny conditions. Patterns cannot read a JSON null as absent (Kyverno matches
   * `=(securityContext): {…}` against `securityContext: null` structurally and fails), and
   * `kyverno apply` and CI checks run on raw manifests full of Helm's nulls; conditions read null
   * and missing as one case, as the API server does. The equivalence tests run both forms.
   */
  patterns?: boolean;
}

export interface CompiledKyvernoPolicy {
  policy: Record<string, unknown>;
  /** IR rule id → kind → Kyverno rule name reported for objects of that kind. */
  ruleNames: Record<string, Record<string, string>>;
  failureAction: FailureAction;
}

/** Bound IR carries exemptImages as a literal list (bindParameters). */
function expressionOptions(ir: PolicyIR): ExpressionOptions {
  if (ir.exemptImages !== undefined && !Array.isArray(ir.exemptImages))
    throw new KyvernoCompileError(ir, 'exemptImages', 'exemptImages still refers to a parameter', 'compile the instance (bindParameters), which inlines it');
  return ir.exemptImages?.length ? { exemptImages: ir.exemptImages } : {};
}

/** `{{ expression }}` compared with a boolean: every expression jmespath.ts writes yields one. */
const condition = (expression: string, value: boolean) => ({ key: variable(expression), operator: 'Equals', value });

function preconditions(ir: PolicyIR, rule: Rule, group: KindGroup, template: string): Record<string, unknown> | undefined {
  const all: Record<string, unknown>[] = [];
  const guard = apiVersionGuard(group);
  if (guard) all.push(condition(guard, true));
  if (ir.exemptions.runtimeClasses.length) {
    const classes = [...new Set(ir.exemptions.runtimeClasses)].sort();
    all.push(condition(`contains(${jmespathLiteral(classes)}, ${template}.${jmespathPath(RUNTIME_CLASS_PATH)})`, false));
  }
  if (rule.when && whenExpressible(ir, rule, template)) all.push(condition(checkExpression(rule.when, template, expressionOptions(ir)), true));
  return all.length ? { all } : undefined;
}

/** The template-level alternatives lifted to the object root of this kind group. */
function patternsFor(rule: Rule, group: KindGroup): PatternNode[] | undefined {
  const alts = checkPattern(rule.require);
  if (!alts || alts.length === 0) return undefined;
  const lifted = alts.map((a) => atPath(group.template, a));
  // An always-true tree ({}) says nothing useful and reads as a mistake; conditions state it plainly.
  if (lifted.some((a) => a.kind === 'map' && a.entries.size === 0)) return undefined;
  return lifted;
}

function validateBlock(ir: PolicyIR, rule: Rule, group: KindGroup, template: string, usePatterns: boolean): Record<string, unknown> {
  const head = {
    failureAction: FAILURE_ACTION[ir.mode],
    // Enforce rules default to letting an UPDATE through when the old object already violated
    // (validate_resource.go, allowExistingViolations); podsec decides on the object alone, as PSA does.
    ...(ir.mode === 'enforce' ? { allowExistingViolations: false } : {}),
    message: kyvernoText(rule.message),
  };
  // Patterns cannot leave exempt containers out: such policies are written as conditions.
  const patterns = usePatterns && !expressionOptions(ir).exemptImages?.length ? patternsFor(rule, group) : undefined;
  if (patterns?.length === 1) return { ...head, pattern: renderPattern(patterns[0]!) };
  if (patterns) return { ...head, anyPattern: patterns.map(renderPattern) };
  try {
    return { ...head, deny: { conditions: { all: [condition(checkExpression(rule.require, template, expressionOptions(ir)), false)] } } };
  } catch (e) {
    if (!(e instanceof KyvernoNeedsCelError)) throw e;
    // No JMESPath form (a relation between lists, a per-container annotation): Kyverno's CEL validation says it exactly.
    return { ...head, ...celValidate(ir, rule, group.kinds, !whenExpressible(ir, rule, template)) };
  }
}

/** A `when` that JMESPath can say stays a precondition (the rule is skipped); otherwise it joins the CEL expression. */
function whenExpressible(ir: PolicyIR, rule: Rule, template: string): boolean {
  if (!rule.when) return true;
  try {
    checkExpression(rule.when, template, expressionOptions(ir));
    return true;
  } catch (e) {
    if (e instanceof KyvernoNeedsCelError) return false;
    throw e;
  }
}

export function compileClusterPolicy(ir: PolicyIR, names: GeneratedNames, options: KyvernoCompileOptions = {}): CompiledKyvernoPolicy {
  const groups = kindGroups(ir.match.kinds);
  if (!groups.length)
    throw new KyvernoCompileError(ir, 'match.kinds', 'no Pod or Pod controller kind is matched', 'list at least one of Pod, Deployment, …, CronJob');
  const exclude = excludeBlock(ir);
  const ruleNames: Record<string, Record<string, string>> = {};
  const seen = new Map<string, string>();
  const rules: Record<string, unknown>[] = [];
  ir.rules.forEach((rule, index) => {
    ruleNames[rule.id] = {};
    for (const group of groups) {
      const name = ruleName(rule.id, group.suffix);
      const clash = seen.get(name);
      if (clash)
        throw new KyvernoCompileError(
          ir,
          `rules[${index}] (${rule.id})`,
          `Kyverno rule name "${name}" is also generated for ${clash}`,
          `rename rule "${rule.id}" so it does not end in -controllers or -cronjob`,
        );
      seen.set(name, `rule "${rule.id}"`);
      for (const k of group.kinds) ruleNames[rule.id]![k] = name;
      const template = group.template.length ? `request.object.${jmespathPath(group.template)}` : 'request.object';
      try {
        const pre = preconditions(ir, rule, group, template);
        rules.push({
          name,
          match: matchBlock(ir, group),
          ...(exclude ? { exclude } : {}),
          ...(pre ? { preconditions: pre } : {}),
          validate: validateBlock(ir, rule, group, template, options.patterns === true),
        });
      } catch (e) {
        if (e instanceof KyvernoCompileError) throw e;
        const where = `rules[${index}] (${rule.id})`;
        if (e instanceof KyvernoUnsupportedError) throw new KyvernoCompileError(ir, where, e.message, e.fix);
        // Field-table errors (a scope the field does not have) name the field; add where it is used.
        throw new KyvernoCompileError(
          ir,
          where,
          (e as Error).message,
          'change the check to a scope and field the field table (packages/ir/src/fields.ts) defines',
        );
      }
    }
  });

  const failureAction = FAILURE_ACTION[ir.mode];
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: names.kyvernoPolicy, labels: { 'app.kubernetes.io/managed-by': 'podsec' }, annotations: policyAnnotations(ir) },
    spec: {
      // Kyverno refuses background scanning for policies that match on who made the request
      // (pkg/validation/policy/background.go: userInfo in match/exclude), and a background scan has no user.
      background: ir.exemptions.usernames.length === 0,
      ...(ir.mode === 'warn' ? { emitWarning: true } : {}),
      rules,
    },
  };
  return { policy, ruleNames, failureAction };
}
