/**
 * `any`/`all` condition blocks (and the legacy list form, which means "all") for preconditions, deny and
 * PolicyException conditions — Kyverno's variables.EvaluateConditions. Conditions are substituted lazily,
 * one at a time, so a later condition with an unresolvable variable does not matter once `any` is decided.
 */
import type { JsonContext } from './context.js';
import { isObject } from './json.js';
import { operatorFor } from './operators.js';
import { substituteAll } from './variables.js';

export interface ConditionResult {
  value: boolean;
  message: string;
}

export class ConditionError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ConditionError';
  }
}

function evaluateOne(ctx: JsonContext, condition: unknown): ConditionResult {
  if (!isObject(condition)) throw new ConditionError('invalid condition: expected an object with key, operator, value');
  let key: unknown;
  let value: unknown;
  try {
    key = substituteAll(ctx, condition['key'] ?? null);
  } catch (e) {
    throw new ConditionError(`failed to substitute variables in condition key: ${(e as Error).message}`, e);
  }
  try {
    value = substituteAll(ctx, condition['value'] ?? null);
  } catch (e) {
    throw new ConditionError(`failed to substitute variables in condition value: ${(e as Error).message}`, e);
  }
  const opName = typeof condition['operator'] === 'string' ? condition['operator'] : '';
  const op = operatorFor(opName);
  if (!op) throw new ConditionError(`failed to create handler for condition operator: ${opName}`);
  const message = typeof condition['message'] === 'string' ? condition['message'] : '';
  try {
    return { value: op(key, value), message };
  } catch (e) {
    throw new ConditionError(`failed to evaluate condition: ${(e as Error).message}`, e);
  }
}

/** Messages of the conditions that decided, non-empty ones only (most conditions have none): joined or ''. */
const join = (parts: string[] | undefined, sep: string): string => (parts === undefined ? '' : parts.join(sep));
function add(parts: string[] | undefined, message: string): string[] | undefined {
  if (message === '') return parts;
  if (parts === undefined) return [message];
  parts.push(message);
  return parts;
}

function evaluateAnyAll(ctx: JsonContext, block: Record<string, unknown>): ConditionResult {
  const anyConds = block['any'];
  const allConds = block['all'];
  let trueMsgs: string[] | undefined;
  let falseMsgs: string[] | undefined;
  let anyResult = true;
  if (Array.isArray(anyConds)) {
    anyResult = false;
    for (const c of anyConds) {
      const r = evaluateOne(ctx, c);
      if (r.value) {
        anyResult = true;
        trueMsgs = add(trueMsgs, r.message);
        break;
      }
      falseMsgs = add(falseMsgs, r.message);
    }
  }
  let allResult = true;
  if (Array.isArray(allConds)) {
    for (const c of allConds) {
      const r = evaluateOne(ctx, c);
      if (!r.value) {
        allResult = false;
        falseMsgs = add(falseMsgs, r.message);
        break;
      }
      trueMsgs = add(trueMsgs, r.message);
    }
  }
  const value = anyResult && allResult;
  return { value, message: join(value ? trueMsgs : falseMsgs, '; ') };
}

/** The answer for no conditions; shared, as callers only read results. */
const NO_CONDITIONS: ConditionResult = Object.freeze({ value: true, message: '' });

/** Evaluate a conditions block; `undefined`/null means "no conditions" and is true. */
export function evaluateConditions(ctx: JsonContext, conditions: unknown): ConditionResult {
  if (conditions === undefined || conditions === null) return NO_CONDITIONS;
  if (Array.isArray(conditions)) {
    let msgs: string[] | undefined;
    for (const c of conditions) {
      const r = evaluateOne(ctx, c);
      if (!r.value) return { value: false, message: r.message };
      msgs = add(msgs, r.message);
    }
    return { value: true, message: join(msgs, ';') };
  }
  if (isObject(conditions)) return evaluateAnyAll(ctx, conditions);
  throw new ConditionError('invalid condition: expected a list or an object with any/all');
}
