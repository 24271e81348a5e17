/**
 * A violated rule's message, naming the containers at fault exactly as `violationMessage` in
 * @podsec/ir does. A rule with a detail or a containerMessage has its require compiled as a
 * function of the Pod spec its container-scoped checks read (SPEC_BINDING in checks.ts); then
 *   1. the require on a spec without containers says whether the fault is at Pod level (no names),
 *   2. the require on a spec holding each container alone (in message order) finds the
 *      containers at fault, in an ordered array comprehension, and
 *   3. `rule_message` renders message, names and detail as Pod Security Admission does, or
 *      `container_message` joins the containers' texts (container-message.ts).
 * Step 1 is folded away when the IR alone decides it (a require of container checks only). The
 * list is a rule the violation reads only after `not require`, so it is computed for violated
 * rules alone.
 */
import { isContainerScoped, MESSAGE_CONTAINER_ORDER, type Check, type Rule } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { podSpec } from './checks.js';
import { containerTextFunction } from './container-message.js';
import { helper } from './helpers.js';
import { regoArray, regoString } from './strings.js';

/**
 * Whether `check` holds when its container-scoped checks see no container ("every container …"
 * is vacuously true), when the IR alone decides it; undefined when it depends on the object.
 */
export function holdsWithoutContainers(check: Check): boolean | undefined {
  switch (check.kind) {
    case 'field':
      return check.scope === 'pod' ? undefined : true;
    case 'each':
    case 'items':
      return check.scope === 'container' ? true : undefined;
    case 'containerAnnotation':
      return true;
    case 'const':
      return check.holds;
    case 'not': {
      const inner = holdsWithoutContainers(check.check);
      return inner === undefined ? undefined : !inner;
    }
    case 'all': {
      const parts = check.checks.map(holdsWithoutContainers);
      return parts.includes(false) ? false : parts.every((p) => p === true) ? true : undefined;
    }
    case 'any': {
      const parts = check.checks.map(holdsWithoutContainers);
      return parts.includes(true) ? true : parts.every((p) => p === false) ? false : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether the rule's violations name containers (and its require takes the spec it reads). */
export const namesContainers = (rule: Rule): boolean => Boolean(rule.detail || rule.containerMessage) && holdsWithoutContainers(rule.require) !== false;

/**
 * Whether `check` holds on a Pod spec exactly when it holds on each of its containers alone: every
 * part looks at one container at a time (whatever else it reads is the same for all of them), so
 * `∀c P(c)` on the spec is `∀c (P(c) on {kind: [c]})`. Exempt and unvisited containers pass alone,
 * as they pass inside the spec.
 */
export function decidedPerContainer(check: Check): boolean {
  return check.kind === 'all' ? check.checks.every(decidedPerContainer) : isContainerScoped(check);
}

/**
 * Adds the rule `<name>`, the list of `each(c)` for the containers at fault (c bound to each one,
 * in message order), none when the fault is in the Pod itself.
 */
function atFaultRule(e: RegoEmitter, rule: Rule, name: string, what: string, each: string, require: (spec: string) => string): void {
  const atFault = (head: string) => [
    `${head}[${each} |`,
    ...indent([
      `some kind in ${regoArray(MESSAGE_CONTAINER_ORDER)}`,
      `list := ${podSpec(e)}[kind]`,
      'is_array(list)',
      'some c in list',
      `not ${require('{kind: [c]}')}`,
    ]),
    ']',
  ];
  const comment = `# ${what} for rule ${regoString(rule.id)}: each one that fails the rule on its own`;
  e.add(
    'rules',
    holdsWithoutContainers(rule.require)
      ? [`${comment}.`, ...atFault(`${name} := `)]
      : [
          `${comment}, none when the rule fails without any container (the fault is in the Pod itself).`,
          `${name} := [] if {`,
          ...indent([`not ${require('{}')}`]),
          ...atFault('} else := '),
        ],
  );
}

/**
 * The lines of a violation's body after `applies` and the rule's `when`: the rule fails, and `msg`
 * is its message. `require(spec)` is how the rule's require is called on a spec, `onPod` its call on the Pod. A rule naming
 * containers gets the rules that list them; when its require is decided per container, the list
 * alone decides the rule (it is not empty exactly when the require fails), so the containers are
 * visited once, not once for the rule and again for its message.
 */
export function violationBody(e: RegoEmitter, rule: Rule, base: string, onPod: string, require: (spec: string) => string): string[] {
  const fails = (list: string) => (decidedPerContainer(rule.require) ? `count(${list}) > 0` : `not ${onPod}`);
  if (!namesContainers(rule)) return [`not ${onPod}`, `msg := ${regoString(rule.message)}`];
  if (rule.containerMessage) {
    const text = containerTextFunction(e, rule, base);
    const texts = e.name(`${base}_container_texts`);
    atFaultRule(e, rule, texts, 'The texts of the containers at fault', `${text}(c)`, require);
    return [fails(texts), `msg := ${helper(e, 'container_message')}(${regoString(rule.message)}, ${texts})`];
  }
  const names = e.name(`${base}_containers`);
  atFaultRule(e, rule, names, 'The containers at fault', `${helper(e, 'container_name')}(c)`, require);
  return [fails(names), `msg := ${helper(e, 'rule_message')}(${regoString(rule.message)}, ${regoString(rule.detail!)}, ${names})`];
}
