/**
 * A violated rule's message, naming the containers at fault exactly as `violationMessage` in
 * @podsec/ir does. A rule with a detail has its require compiled as a function of the Pod spec
 * its container-scoped checks read (SPEC_BINDING in checks.ts); then
 *   1. the require on a spec without containers says whether the fault is at Pod level (no names),
 *   2. the require on each container alone (`containers_alone`, in message order) finds the
 *      containers at fault, in an ordered array comprehension, and
 *   3. `rule_message` renders message, names and detail as Pod Security Admission does.
 * Step 1 is folded away when the IR alone decides it (a require of container checks only).
 */
import type { Check, Rule } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { podSpec } from './checks.js';
import { helper } from './helpers.js';
import { regoString } from './strings.js';

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
export const namesContainers = (rule: Rule): boolean => Boolean(rule.detail) && holdsWithoutContainers(rule.require) !== false;

/**
 * Adds the rule `<rule>_containers` (the names of the containers at fault) and returns the
 * message term of the violation. `require(spec)` is how the rule's require is called on a spec.
 */
export function messageTerm(e: RegoEmitter, rule: Rule, base: string, require: (spec: string) => string): string {
  if (!namesContainers(rule)) return regoString(rule.message);
  const name = e.name(`${base}_containers`);
  const alone = helper(e, 'containers_alone');
  const atFault = `[c.name | some c in ${alone}(${podSpec(e)}); not ${require('c.spec')}]`;
  const comment = `# The containers at fault for rule ${regoString(rule.id)}: each one that fails the rule on its own`;
  e.add(
    'rules',
    holdsWithoutContainers(rule.require)
      ? [`${comment}.`, `${name} := ${atFault}`]
      : [
          `${comment}, none when`,
          '# the rule fails without any container (the fault is in the Pod itself).',
          `${name} := [] if {`,
          ...indent([`not ${require('{}')}`]),
          `} else := ${atFault}`,
        ],
  );
  return `${helper(e, 'rule_message')}(${regoString(rule.message)}, ${regoString(rule.detail!)}, ${name})`;
}
