/**
 * Condition operators (deny / preconditions). Semantics from kyverno.io/docs/writing-policies/preconditions/
 * #operators and pkg/engine/variables/operator/*_test.go.
 */
import { describe, expect, it } from '@jest/globals';
import { operatorFor, CONDITION_OPERATORS } from '../src/index.js';

type Case = [op: string, key: unknown, value: unknown, expected: boolean];

function run(cases: Case[]): void {
  it.each(cases.map(([op, k, v, e]) => [op, JSON.stringify(k), JSON.stringify(v), e] as const))('%s key=%s value=%s → %s', (op, k, v, e) => {
    const fn = operatorFor(op);
    expect(fn).toBeDefined();
    expect(fn?.(JSON.parse(k), JSON.parse(v))).toBe(e);
  });
}

describe('Equals / NotEquals', () => {
  run([
    ['Equals', 'DELETE', 'DELETE', true],
    ['equals', 'CREATE', 'DELETE', false],
    ['NotEquals', 'CREATE', 'DELETE', true],
    ['Equals', 'nginx:1.2', 'nginx:*', true],
    ['Equals', '1Gi', '1024Mi', true],
    ['Equals', '1h', 3600, true],
    ['Equals', 2, '2', true],
    ['NotEquals', 2, 2, false],
    ['Equals', { a: [1] }, { a: [1] }, true],
    ['NotEquals', ['a'], ['b'], true],
    ['Equals', false, 'false', false],
  ]);
});

describe('AnyIn / AllIn / AnyNotIn / AllNotIn (glob both ways, ranges)', () => {
  run([
    ['AnyIn', ['a', 'x'], ['a', 'b'], true],
    ['AllIn', ['a', 'x'], ['a', 'b'], false],
    ['AllIn', ['a', 'b'], ['*'], true],
    ['AnyNotIn', ['NET_BIND_SERVICE', 'SYS_ADMIN'], ['NET_BIND_SERVICE'], true],
    ['AnyNotIn', [], ['NET_BIND_SERVICE'], false],
    ['AllNotIn', ['x', 'y'], ['a'], true],
    ['AllNotIn', ['x', 'a'], ['a'], false],
    ['AnyNotIn', [8080, 5500], '5000-6000', true],
    ['AnyNotIn', [5500], '5000-6000', false],
    ['AnyIn', [5500], '5000-6000', true],
    ['AllIn', [5500, 5600], '5000-6000', true],
    ['AllNotIn', [7000], '5000-6000', true],
    ['AnyIn', 'ALL', ['ALL'], true],
    ['AnyNotIn', 'ALL', ['NET_RAW'], true],
  ]);
});

describe('In / NotIn (deprecated: exact set comparison)', () => {
  run([
    ['In', 'UPDATE', ['UPDATE', 'CREATE'], true],
    ['In', ['a', 'b'], ['a', 'b', 'c'], true],
    ['In', ['a', 'x'], ['a', 'b'], false],
    ['NotIn', 'x', ['a'], true],
    ['NotIn', ['a', 'x'], ['a', 'b'], true],
    ['NotIn', ['a'], ['a', 'b'], false],
  ]);
});

describe('numeric, quantity, duration and semver comparisons', () => {
  run([
    ['GreaterThan', 3, '2', true],
    ['GreaterThan', '3', 2, true],
    ['GreaterThanOrEquals', '1Gi', '1024Mi', true],
    ['LessThan', '500m', '1', true],
    ['LessThan', '1.2.3', '1.10.0', true],
    ['LessThanOrEquals', '30m', '1h', true],
    ['DurationGreaterThan', '2h', '90m', true],
    ['DurationLessThan', 30, '1m', true],
    ['GreaterThan', 'abc', 1, false],
  ]);
});

it('knows exactly the documented operators', () => {
  expect(CONDITION_OPERATORS).toHaveLength(18);
  for (const op of CONDITION_OPERATORS) expect(operatorFor(op)).toBeDefined();
  expect(operatorFor('Contains')).toBeUndefined();
});
