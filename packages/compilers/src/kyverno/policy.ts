/**
 * PolicyIR → one `kyverno.io/v1` ClusterPolicy in kyverno/policies' style: per IR rule one Pod rule
 * whose checks on containers are a `foreach` with short `deny.conditions` on `element`
 * (foreach.ts), whose message names the offending containers (message.ts), and whose Pod
 * controller rules Kyverno generates itself (`autogen`, controllers.ts) — or, with
 * `controllers: 'explicit'` or where autogen cannot be faithful, one rule per template location
 * (kinds.ts). `when` and runtime-class exemptions become preconditions, so a rule that does not
 * apply is *skipped* (never a failure).
 */
import { RUNTIME_CLASS_PATH, type PolicyIR, type Rule } from '@podsec/ir';
import type { GeneratedNames } from '../shared/names.js';
import { celValidate } from './cel-fallback.js';
import { checkExpression, type ExpressionOptions } from './jmespath.js';
import { checkPattern } from './check-pattern.js';
import { AUTOGEN_ANNOTATION, autogenAnnotation, autogenBlocker, autogenRewrite, generatedRuleName, type KyvernoControllers } from './controllers.js';
import { jmespathLiteral, jmespathPath, kyvernoText, variable } from './escape.js';
import { KyvernoCompileError, KyvernoNeedsCelError, KyvernoUnsupportedError } from './errors.js';
import { denyOrForeach } from './foreach.js';
import { kindGroups, ruleName, type KindGroup } from './kinds.js';
import { apiVersionGuard, excludeBlock, matchBlock } from './match.js';
import { messageTemplate, OFFENDING_VARIABLE, offendingContainerList, offendingNames } from './message.js';
import { containerMessageTemplate, MESSAGE_CONTAINERS_VARIABLE } from './container-message.js';
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
  /** Pod controllers by Kyverno's auto-generation (default) or by explicit rules (controllers.ts). */
  controllers?: KyvernoControllers;
}

export interface CompiledKyvernoPolicy {
  policy: Record<string, unknown>;
  /** IR rule id → kind → Kyverno rule name reported for objects of that kind. */
  ruleNames: Record<string, Record<string, string>>;
  failureAction: FailureAction;
  /** How controllers are covered in this file: `explicit` also when autogen was asked for but cannot be faithful. */
  controllers: KyvernoControllers;
  /** Why an autogen build wrote explicit controller rules. */
  explicitBecause?: string;
}

/** Bound IR carries exemptImages as a literal list (bindParameters). */
function expressionOptions(ir: PolicyIR): ExpressionOptions {
  if (ir.exemptImages !== undefined && !Array.isArray(ir.exemptImages))
    throw new KyvernoCompileError(ir, 'exemptImages', 'exemptImages still refers to a parameter', 'compile the instance (bindParameters), which inlines it');
  return ir.exemptImages?.length ? { exemptImages: ir.exemptImages } : {};
}

/** `{{ expression }}` compared with a boolean: every expression jmespath.ts writes yields one. */
const condition = (expression: string, value: boolean) => ({ key: variable(expression), operator: 'Equals', value });

function preconditions(ir: PolicyIR, rule: Rule, guard: string | undefined, template: string): Record<string, unknown> | undefined {
  const all: Record<string, unknown>[] = [];
  if (guard) all.push(condition(guard, true));
  if (ir.exemptions.runtimeClasses.length) {
    const classes = [...new Set(ir.exemptions.runtimeClasses)].sort();
    all.push(condition(`contains(${jmespathLiteral(classes)}, ${template}.${jmespathPath(RUNTIME_CLASS_PATH)})`, false));
  }
  if (rule.when && whenExpressible(ir, rule, template)) all.push(condition(checkExpression(rule.when, template, expressionOptions(ir)), true));
  return all.length ? { all } : undefined;
}

/** The template-level alternatives lifted to the object root of this kind group. */
function patternsFor(rule: Rule, templatePath: readonly string[]): PatternNode[] | undefined {
  const alts = checkPattern(rule.require);
  if (!alts || alts.length === 0) return undefined;
  const lifted = alts.map((a) => atPath(templatePath, a));
  // An always-true tree ({}) says nothing useful and reads as a mistake; conditions state it plainly.
  if (lifted.some((a) => a.kind === 'map' && a.entries.size === 0)) return undefined;
  return lifted;
}

interface RuleValidation {
  context?: Record<string, unknown>[];
  validate: Record<string, unknown>;
  cel: boolean;
}

function validation(ir: PolicyIR, rule: Rule, group: KindGroup, template: string, usePatterns: boolean): RuleValidation {
  const o = expressionOptions(ir);
  const head = {
    failureAction: FAILURE_ACTION[ir.mode],
    // Enforce rules default to letting an UPDATE through when the old object already violated
    // (validate_resource.go, allowExistingViolations); podsec decides on the object alone, as PSA does.
    ...(ir.mode === 'enforce' ? { allowExistingViolations: false } : {}),
    message: rule.containerMessage ? containerMessageTemplate(rule, rule.containerMessage, template) : messageTemplate(rule),
  };
  let body: Record<string, unknown>;
  // Patterns cannot leave exempt containers out: such policies are written as conditions.
  const patterns = usePatterns && !o.exemptImages?.length ? patternsFor(rule, group.template) : undefined;
  try {
    if (patterns?.length === 1) body = { pattern: renderPattern(patterns[0]!) };
    else if (patterns) body = { anyPattern: patterns.map(renderPattern) };
    else body = denyOrForeach(rule.require, template, o);
  } catch (e) {
    if (!(e instanceof KyvernoNeedsCelError)) throw e;
    // No JMESPath form (a relation between lists, a per-container annotation): Kyverno's CEL validation says it exactly.
    return {
      validate: { ...head, message: kyvernoText(rule.message), ...celValidate(ir, rule, group.kinds, !whenExpressible(ir, rule, template)) },
      cel: true,
    };
  }
  return { ...messageContext(rule, template, o), validate: { ...head, ...body }, cel: false };
}

/** The rule `context` variable its message reads: the offending containers' names (detail) or the containers (containerMessage). */
function messageContext(rule: Rule, template: string, o: ExpressionOptions): { context?: Record<string, unknown>[] } {
  if (rule.containerMessage) return { context: [{ name: MESSAGE_CONTAINERS_VARIABLE, variable: { jmesPath: offendingContainerList(rule, template, o) } }] };
  if (rule.detail) return { context: [{ name: OFFENDING_VARIABLE, variable: { jmesPath: offendingNames(rule, template, o) } }] };
  return {};
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

/** One Kyverno rule for IR rule `index` on the kinds of `group`, with errors named after the rule. */
function kyvernoRule(
  ir: PolicyIR,
  index: number,
  name: string,
  group: KindGroup,
  match: Record<string, unknown>,
  guard: string | undefined,
  patterns: boolean,
) {
  const rule = ir.rules[index]!;
  const exclude = excludeBlock(ir);
  const template = group.template.length ? `request.object.${jmespathPath(group.template)}` : 'request.object';
  try {
    const pre = preconditions(ir, rule, guard, template);
    const v = validation(ir, rule, group, template, patterns);
    return {
      cel: v.cel,
      rule: {
        name,
        match,
        ...(exclude ? { exclude } : {}),
        ...(v.context ? { context: v.context } : {}),
        ...(pre ? { preconditions: pre } : {}),
        validate: v.validate,
      },
    };
  } catch (e) {
    if (e instanceof KyvernoCompileError) throw e;
    const where = `rules[${index}] (${rule.id})`;
    if (e instanceof KyvernoUnsupportedError) throw new KyvernoCompileError(ir, where, e.message, e.fix);
    // Field-table errors (a scope the field does not have) name the field; add where it is used.
    throw new KyvernoCompileError(ir, where, (e as Error).message, 'change the check to a scope and field the field table (packages/ir/src/fields.ts) defines');
  }
}

/** Rules per template location, autogen off: the rule that runs is the rule written. */
function explicitRules(ir: PolicyIR, patterns: boolean) {
  const groups = kindGroups(ir.match.kinds);
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
      rules.push(kyvernoRule(ir, index, name, group, matchBlock(ir, group.kinds, 'explicit'), apiVersionGuard(group.kinds), patterns).rule);
    }
  });
  return { rules, ruleNames };
}

/** The parts of a rule autogen rewrites and podsec also writes per template (the guard aside, see autogenRules). */
const comparable = (r: Record<string, unknown>) => ({ exclude: r.exclude, context: r.context, preconditions: r.preconditions, validate: r.validate });

/** generateRule: a Pod pattern (or each anyPattern entry) is nested under the controller's template. */
function nestPatterns<T extends { validate: unknown }>(r: T, template: readonly string[]): T {
  const v = r.validate as Record<string, unknown>;
  const nest = (p: unknown) => template.reduceRight<unknown>((inner, key) => ({ [key]: inner }), p);
  if (v.pattern !== undefined) return { ...r, validate: { ...v, pattern: nest(v.pattern) } };
  if (Array.isArray(v.anyPattern)) return { ...r, validate: { ...v, anyPattern: v.anyPattern.map(nest) } };
  return r;
}

/**
 * Pod rules only; Kyverno generates the controller rules (controllers.ts). Each Pod rule is held to
 * what autogen will make of it: its rewrite must be, text for text, the rule podsec writes for the
 * controllers' template, or the policy is written explicitly (the returned reason says why).
 */
function autogenRules(ir: PolicyIR, patterns: boolean): { rules: Record<string, unknown>[]; ruleNames: Record<string, Record<string, string>> } | string {
  const pod: KindGroup = { suffix: '', kinds: ['Pod'], template: [] };
  const controllerGroups = kindGroups(ir.match.kinds).filter((g) => !g.kinds.includes('Pod'));
  const ruleNames: Record<string, Record<string, string>> = {};
  const rules: Record<string, unknown>[] = [];
  for (const [index, rule] of ir.rules.entries()) {
    const name = ruleName(rule.id, '');
    ruleNames[rule.id] = Object.fromEntries(ir.match.kinds.map((k) => [k, generatedRuleName(name, k)]));
    const podRule = kyvernoRule(ir, index, name, pod, matchBlock(ir, ['Pod'], 'autogen'), undefined, patterns);
    for (const group of controllerGroups) {
      const written = kyvernoRule(ir, index, name, group, {}, undefined, patterns);
      const generated = autogenRewrite(
        nestPatterns(comparable(podRule.rule), group.template),
        group.kinds.includes('CronJob') ? 'cronjob' : 'controllers',
        podRule.cel,
      );
      if (JSON.stringify(generated) !== JSON.stringify(comparable(written.rule)))
        return `Kyverno's autogen would rewrite rule "${rule.id}" into another rule than the one for ${group.kinds.join(', ')} (its text names request.object paths, or it is CEL for Pods)`;
    }
    // The guard is copied into the generated rules unchanged (autogen rewrites only .spec/.metadata
    // prefixes), so it names every core-group kind matched and lets apps/v1 Deployments through.
    const guarded = kyvernoRule(ir, index, name, pod, matchBlock(ir, ['Pod'], 'autogen'), apiVersionGuard(ir.match.kinds), patterns);
    rules.push(guarded.rule);
  }
  return { rules, ruleNames };
}

export function compileClusterPolicy(ir: PolicyIR, names: GeneratedNames, options: KyvernoCompileOptions = {}): CompiledKyvernoPolicy {
  if (!kindGroups(ir.match.kinds).length)
    throw new KyvernoCompileError(ir, 'match.kinds', 'no Pod or Pod controller kind is matched', 'list at least one of Pod, Deployment, …, CronJob');
  const patterns = options.patterns === true;
  let built: { rules: Record<string, unknown>[]; ruleNames: Record<string, Record<string, string>> } | undefined;
  let controllers: KyvernoControllers = 'explicit';
  let explicitBecause: string | undefined;
  if ((options.controllers ?? 'autogen') === 'autogen') {
    explicitBecause = autogenBlocker(
      ir,
      ir.rules.map((r) => ruleName(r.id, '')),
    );
    const auto = explicitBecause === undefined ? autogenRules(ir, patterns) : undefined;
    if (typeof auto === 'string') explicitBecause = auto;
    else if (auto) {
      built = auto;
      controllers = 'autogen';
    }
  }
  built ??= explicitRules(ir, patterns);
  const annotation = controllers === 'autogen' ? autogenAnnotation(ir.match.kinds) : 'none';

  const failureAction = FAILURE_ACTION[ir.mode];
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: names.kyvernoPolicy,
      labels: { 'app.kubernetes.io/managed-by': 'podsec' },
      annotations: { ...policyAnnotations(ir), ...(annotation ? { [AUTOGEN_ANNOTATION]: annotation } : {}) },
    },
    spec: {
      // Kyverno refuses background scanning for policies that match on who made the request
      // (pkg/validation/policy/background.go: userInfo in match/exclude), and a background scan has no user.
      background: ir.exemptions.usernames.length === 0,
      ...(ir.mode === 'warn' ? { emitWarning: true } : {}),
      rules: built.rules,
    },
  };
  return { policy, ruleNames: built.ruleNames, failureAction, controllers, ...(explicitBecause ? { explicitBecause } : {}) };
}
