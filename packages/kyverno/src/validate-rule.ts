/**
 * One validate rule on one request — Kyverno's engine.invokeRuleHandler plus the validation handlers
 * (handlers/validation/validate_resource.go, validate_pss.go, validate_cel.go). Returns undefined when the
 * rule produces no response (e.g. a foreach over an empty list, a pattern on a DELETE request), which
 * `kyverno test` reports as "Excluded".
 */
import { evaluateCelRule, type CelShared } from './cel.js';
import { evaluateConditions } from './conditions.js';
import { loadContextEntries } from './context-entries.js';
import type { JsonContext } from './context.js';
import { exceptionKey, matchingExceptions } from './exceptions.js';
import { isObject, shallowCopy, type JsonObject } from './json.js';
import { matchRule, type MatchSubject } from './match.js';
import { evaluatePodSecuritySubrule, formatPodSecurityFailures, type PodSecurityExclude } from './podsecurity.js';
import type { LoadedException, LoadedPolicy, RuleStatus } from './types.js';
import { matchPattern } from './validate-pattern.js';
import { substituteAll } from './variables.js';

export interface RuleOutcome {
  status: RuleStatus;
  message: string;
  path?: string;
  exceptions?: string[];
}

export interface RuleEnv {
  policy: LoadedPolicy;
  rule: JsonObject;
  ctx: JsonContext;
  operation: string;
  /** request.object (null on DELETE). */
  object: JsonObject | null;
  oldObject: JsonObject | null;
  subject: MatchSubject;
  /** PolicyExceptions naming this policy and rule. */
  exceptions: readonly LoadedException[];
  /** For classic CEL: the request variable and namespaceObject. */
  celRequest: JsonObject;
  namespaceObject: JsonObject | null;
  failureAction: 'Audit' | 'Enforce';
  /** CEL variable values shared across the rules evaluated on this request. */
  celShared?: CelShared;
}

const ruleName = (env: RuleEnv): string => String(env.rule['name'] ?? '');
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function outcome(status: RuleStatus, message: string, path?: string): RuleOutcome {
  return path === undefined ? { status, message } : { status, message, path };
}

/** Context, preconditions, exceptions, then the handler for the rule's kind of validation. */
export function evaluateRule(env: RuleEnv): RuleOutcome | undefined {
  const { ctx, rule } = env;
  const validate = isObject(rule['validate']) ? rule['validate'] : {};
  ctx.checkpoint();
  try {
    try {
      loadContextEntries(ctx, rule['context']);
    } catch (e) {
      return outcome('error', `failed to load context: ${errorMessage(e)}`);
    }
    let pre;
    try {
      pre = evaluateConditions(ctx, rule['preconditions']);
    } catch (e) {
      return outcome('error', `failed to evaluate preconditions: ${errorMessage(e)}`);
    }
    if (!pre.value) return outcome('skip', ['preconditions not met', pre.message].filter((s) => s !== '').join('; '));
    if (isObject(validate['podSecurity'])) return podSecurityHandler(env, validate['podSecurity']);
    const matched = matchingExceptions(env.exceptions, env.subject, ctx);
    if (matched.length > 0) {
      const keys = matched.map(exceptionKey);
      return { status: 'skip', message: `rule is skipped due to policy exceptions${keys.join(', ')}`, exceptions: keys };
    }
    if (isObject(validate['cel'])) return celHandler(env, validate);
    // The rule's preconditions held just above, on the same context: the validator need not evaluate them again.
    return new Validator(env, rule, validate, 0, undefined, undefined, true).validate();
  } finally {
    ctx.restore();
  }
}

function podSecurityHandler(env: RuleEnv, ps: JsonObject): RuleOutcome | undefined {
  if (env.operation === 'DELETE') return undefined;
  const matched = matchingExceptions(env.exceptions, env.subject, env.ctx);
  const withoutPss = matched.find((e) => !(Array.isArray(e.spec['podSecurity']) && e.spec['podSecurity'].length > 0));
  if (withoutPss) {
    const key = exceptionKey(withoutPss);
    return { status: 'skip', message: `rule is skipped due to policy exception ${key}`, exceptions: [key] };
  }
  const resource = env.object ?? env.oldObject;
  if (!resource) return outcome('error', 'Error while getting new resource: no object');
  const level = String(ps['level'] ?? '');
  const version = String(ps['version'] ?? 'latest');
  const excludes = (Array.isArray(ps['exclude']) ? ps['exclude'].filter(isObject) : []) as unknown as PodSecurityExclude[];
  let result;
  try {
    result = evaluatePodSecuritySubrule(resource, level, version, excludes);
  } catch (e) {
    return outcome('error', errorMessage(e));
  }
  if (result.allowed) return outcome('pass', `Validation rule '${ruleName(env)}' passed.`);
  if (matched.length > 0) {
    const exExcludes = matched.flatMap((e) =>
      Array.isArray(e.spec['podSecurity']) ? e.spec['podSecurity'].filter(isObject) : [],
    ) as unknown as PodSecurityExclude[];
    const after = evaluatePodSecuritySubrule(resource, level, version, [...excludes, ...exExcludes]);
    if (after.allowed) {
      const keys = matched.map(exceptionKey);
      return { status: 'skip', message: `rule is skipped due to policy exceptions ${keys.join(', ')}`, exceptions: keys };
    }
    result = after;
  }
  return outcome(
    'fail',
    `Validation rule '${ruleName(env)}' failed. It violates PodSecurity "${level}:${version}": ${formatPodSecurityFailures(result.failures)}`,
  );
}

function celHandler(env: RuleEnv, validate: JsonObject): RuleOutcome {
  const r = evaluateCelRule({
    policy: env.policy.name,
    rule: ruleName(env),
    cel: validate['cel'] as JsonObject,
    celPreconditions: env.rule['celPreconditions'],
    ruleMessage: typeof validate['message'] === 'string' ? validate['message'] : '',
    object: env.object,
    oldObject: env.oldObject,
    request: env.celRequest,
    namespaceObject: env.namespaceObject,
    shared: env.celShared,
  });
  if (r.status === 'pass') return outcome('pass', `Validation rule '${ruleName(env)}' passed.`);
  return outcome(r.status, r.message);
}

/** validate_resource.go's validator: deny, pattern/anyPattern or foreach, at some foreach nesting level. */
class Validator {
  constructor(
    private readonly env: RuleEnv,
    /** The rule (top level) or the foreach entry (nested) this validator runs. */
    private readonly block: JsonObject,
    private readonly spec: JsonObject,
    private readonly nesting: number,
    /** The foreach element when it is the validation scope (elementScope). */
    private readonly element: JsonObject | undefined,
    private readonly contextEntries: unknown = undefined,
    /**
     * Whether the preconditions it would check already held on this context. Upstream checks the rule's twice
     * (invokeRuleHandler, then the validator); they read the same context, so the second answer is the first.
     */
    private readonly preconditionsHeld = false,
  ) {}

  private get name(): string {
    return ruleName(this.env);
  }

  /** A foreach element's pass message is never read (validateElements counts passes): not built per element. */
  private passMessage(): string {
    return this.nesting === 0 ? `validation rule '${this.name}' passed.` : '';
  }

  private get ruleMessage(): string {
    const v = this.env.rule['validate'];
    return isObject(v) && typeof v['message'] === 'string' ? v['message'] : '';
  }

  validate(): RuleOutcome | undefined {
    const { ctx } = this.env;
    try {
      loadContextEntries(ctx, this.contextEntries);
    } catch (e) {
      return outcome('error', `failed to load context: ${errorMessage(e)}`);
    }
    if (!this.preconditionsHeld) {
      let pre;
      try {
        pre = evaluateConditions(ctx, this.nesting === 0 ? this.env.rule['preconditions'] : this.block['preconditions']);
      } catch (e) {
        return outcome('error', `failed to evaluate preconditions: ${errorMessage(e)}`);
      }
      if (!pre.value) return outcome('skip', ['preconditions not met', pre.message].filter((s) => s !== '').join('; '));
    }

    const v = this.spec;
    let result: RuleOutcome | undefined;
    if (v['deny'] !== undefined && v['deny'] !== null) result = this.validateDeny();
    else if ((v['pattern'] !== undefined && v['pattern'] !== null) || (v['anyPattern'] !== undefined && v['anyPattern'] !== null)) {
      result = this.validatePatterns();
    } else if (Array.isArray(v['foreach'])) result = this.validateForEach(v['foreach']);
    else result = undefined;

    if (this.nesting === 0 && result?.status === 'fail' && this.env.failureAction === 'Enforce') {
      return this.allowExistingViolations(result);
    }
    return result;
  }

  /** Enforce + UPDATE: a violation the old object already had is skipped (allowExistingViolations, default true). */
  private allowExistingViolations(result: RuleOutcome): RuleOutcome {
    const v = this.env.rule['validate'];
    const allow = !(isObject(v) && v['allowExistingViolations'] === false);
    if (this.env.operation !== 'UPDATE' || !allow || !this.env.oldObject) return result;
    const { ctx } = this.env;
    ctx.checkpoint();
    try {
      // As validateOldObject: the old object is re-validated as if it were being created.
      const { oldObject: _dropped, ...request } = ctx.raw()['request'] as JsonObject;
      // Copies rather than spreads followed by more keys, which are slow on Node 20 (see json.ts shallowCopy).
      const oldRequest = shallowCopy(request);
      oldRequest['object'] = this.env.oldObject;
      oldRequest['operation'] = 'CREATE';
      ctx.set('request', oldRequest);
      const subject: MatchSubject = Object.assign({}, this.env.subject, { resource: this.env.oldObject, operation: 'CREATE' });
      if (matchRule(this.env.rule['match'], this.env.rule['exclude'], subject, this.env.policy.namespace)) return result;
      const prior = new Validator(
        Object.assign({}, this.env, { object: this.env.oldObject, oldObject: null, operation: 'CREATE', subject }),
        this.block,
        this.spec,
        0,
        undefined,
      ).validate();
      if (prior?.status === 'fail') return outcome('skip', 'skipping the rule evaluation as pre-existing violations are allowed');
      return result;
    } finally {
      ctx.restore();
    }
  }

  private validateDeny(): RuleOutcome {
    const deny = this.spec['deny'];
    const conditions = isObject(deny) ? deny['conditions'] : undefined;
    let r;
    try {
      r = evaluateConditions(this.env.ctx, conditions);
    } catch (e) {
      return outcome('error', `failed to check deny conditions: ${errorMessage(e)}`);
    }
    if (!r.value) return outcome('pass', this.passMessage());
    if (this.ruleMessage === '' && r.message === '') return outcome('fail', `validation error: rule ${this.name} failed`);
    const text = [this.ruleMessage, r.message].filter((s) => s !== '').join('; ');
    try {
      const m = substituteAll(this.env.ctx, text);
      return outcome('fail', typeof m === 'string' ? m : "the produced message didn't resolve to a string, check your policy definition.");
    } catch {
      return outcome('fail', r.message);
    }
  }

  private substitutedMessage(): { ok: true; text: string } | { ok: false } {
    try {
      const m = substituteAll(this.env.ctx, this.ruleMessage);
      return { ok: true, text: typeof m === 'string' ? m : String(m) };
    } catch {
      return { ok: false };
    }
  }

  private patternErrorMessage(err: string, path: string): string {
    if (this.ruleMessage === '') {
      return path !== '' ? `validation error: rule ${this.name} failed at path ${path}` : `validation error: rule ${this.name} execution error: ${err}`;
    }
    const m = this.substitutedMessage();
    if (!m.ok) return `validation error: variables substitution error in rule ${this.name} execution error: ${err}`;
    const msg = m.text.endsWith('.') ? m.text : `${m.text}.`;
    return path !== ''
      ? `validation error: ${msg} rule ${this.name} failed at path ${path}`
      : `validation error: ${msg} rule ${this.name} execution error: ${err}`;
  }

  private validatePatterns(): RuleOutcome | undefined {
    const v = this.spec;
    let pattern: unknown;
    let anyPattern: unknown;
    try {
      if (v['pattern'] !== undefined && v['pattern'] !== null) pattern = substituteAll(this.env.ctx, v['pattern']);
      else anyPattern = substituteAll(this.env.ctx, v['anyPattern']);
    } catch (e) {
      return outcome('error', `variable substitution failed: ${errorMessage(e)}`);
    }
    let resource: JsonObject;
    if (this.element) resource = this.element;
    else if (this.env.operation === 'DELETE') return undefined;
    else resource = this.env.object ?? {};

    if (pattern !== undefined) {
      const r = matchPattern(resource, pattern);
      switch (r.status) {
        case 'pass':
          return outcome('pass', this.passMessage());
        case 'skip':
          return outcome('skip', r.message);
        case 'error':
          return outcome('error', this.patternErrorMessage(r.message, ''));
        case 'fail':
          return outcome('fail', this.patternErrorMessage(r.message, r.path), r.path);
      }
    }
    if (!Array.isArray(anyPattern)) return outcome('error', 'failed to deserialize anyPattern, expected type array');
    const failed: string[] = [];
    const skipped: string[] = [];
    let firstFailPath: string | undefined;
    for (const [idx, p] of anyPattern.entries()) {
      const r = matchPattern(resource, p);
      if (r.status === 'pass') return outcome('pass', `validation rule '${this.name}' anyPattern[${idx}] passed.`);
      if (r.status === 'skip') skipped.push(`rule ${this.name}[${idx}] skipped: ${r.message}`);
      else if (r.status === 'fail') {
        firstFailPath ??= `anyPattern[${idx}]${r.path}`;
        failed.push(`rule ${this.name}[${idx}] failed at path ${r.path}`);
      } else failed.push(`rule ${this.name}[${idx}] failed: ${r.message}`);
    }
    if (skipped.length > 0 && failed.length === 0) return outcome('skip', skipped.join(' '));
    if (failed.length > 0) {
      const errStr = failed.join(' ');
      let msg: string;
      if (this.ruleMessage === '') msg = `validation error: ${errStr}`;
      else {
        const m = this.substitutedMessage();
        if (!m.ok) msg = `validation error: variables substitution error in rule ${this.name} execution error: ${errStr}`;
        else msg = m.text.endsWith('.') ? `validation error: ${m.text} ${errStr}` : `validation error: ${m.text}. ${errStr}`;
      }
      return outcome('fail', msg, firstFailPath);
    }
    return outcome('pass', this.ruleMessage);
  }

  private validateForEach(entries: unknown[]): RuleOutcome | undefined {
    let applyCount = 0;
    let listError: string | undefined;
    for (const fe of entries) {
      if (!isObject(fe)) continue;
      let elements: unknown[];
      try {
        const r = this.env.ctx.query(String(fe['list'] ?? ''));
        elements = Array.isArray(r) ? r : [r];
      } catch (e) {
        const m = errorMessage(e);
        if (m.includes('Unknown key')) continue;
        listError = m;
        continue;
      }
      const { result, count } = this.validateElements(fe, elements);
      if (result.status !== 'pass') return result;
      applyCount += count;
    }
    if (applyCount === 0) return listError !== undefined ? outcome('error', `failed to evaluate list: ${listError}`) : undefined;
    return outcome('pass', 'rule passed');
  }

  private validateElements(fe: JsonObject, elements: unknown[]): { result: RuleOutcome; count: number } {
    const { ctx } = this.env;
    ctx.checkpoint();
    let count = 0;
    try {
      for (const [index, element] of elements.entries()) {
        if (element === null || element === undefined) continue;
        ctx.reset();
        ctx.addElement(element, index, this.nesting);
        let scoped = isObject(element);
        const es = fe['elementScope'];
        if (typeof es === 'boolean') {
          if (es && !isObject(element)) {
            return {
              result: outcome(
                'error',
                `failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${typeof element === 'string' ? 'string' : typeof element}`,
              ),
              count,
            };
          }
          scoped = es;
        }
        const validator = new Validator(this.env, fe, fe, this.nesting + 1, scoped && isObject(element) ? element : this.element, fe['context']);
        const r = validator.validate();
        if (!r || r.status === 'skip') continue;
        if (r.status !== 'pass') {
          if (r.status === 'error' && r.message.includes('failed to evaluate preconditions')) continue;
          const out: RuleOutcome = { status: r.status, message: `validation failure: ${r.message}` };
          if (r.path !== undefined) out.path = r.path;
          return { result: out, count };
        }
        count++;
      }
      return { result: outcome('pass', ''), count };
    } finally {
      ctx.restore();
    }
  }
}
