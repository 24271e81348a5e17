/**
 * Kyverno's JMESPath arithmetic over numbers, Kubernetes quantities and Go durations (Kyverno docs "JMESPath":
 * add, subtract, multiply, divide, modulo, sum "of numbers, quantities, and durations"; the examples of
 * Kyverno's function reference, e.g. divide('1h', '2h') is 0.5 and divide('1Mi', '2Mi') is 0.5). A string is
 * a quantity when it parses as one, else a duration; results keep the first quantity's format.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateKyvernoPolicy, kyvernoSearch, loadKyvernoPolicy } from '../src/index.js';

const q = (expr: string) => kyvernoSearch(expr, { spec: { memory: '300Mi', limit: '1Gi', timeout: '90s' } });

describe('documented examples', () => {
  it.each([
    ["divide('300Mi', '100Mi')", 3],
    ['divide(`1`, `2`)', 0.5],
    ["divide('1h', '2h')", 0.5],
    ["divide('1Mi', '2Mi')", 0.5],
    ['add(`12`, `13`)', 25],
    ["add('1Gi', '512Mi')", '1536Mi'],
    ["subtract('300Mi', '100Mi')", '200Mi'],
    ["add('1h', '30s')", '1h0m30s'],
    ["subtract('2h', '30s')", '1h59m30s'],
    ["multiply('100Mi', `3`)", '300Mi'],
    ["multiply(`2`, '1h')", '2h0m0s'],
    ["divide('1h', `4`)", '15m0s'],
    ["modulo('10', '3')", '1'],
    ["modulo('1h', '7s')", '2s'],
    ['modulo(`7`, `3`)', 1],
    ['sum(`[1, 2, 3]`)', 6],
    ["sum(['1Gi', '512Mi', '512Mi'])", '2Gi'],
    ["sum(['1h', '30s', '30s'])", '1h1m0s'],
  ])('%s is %j', (expr, expected) => {
    expect(q(expr)).toEqual(expected);
  });
});

describe('quantities', () => {
  it('results are canonical Kubernetes quantities in the first operand’s format', () => {
    expect(q("add('1500m', '1')")).toBe('2500m');
    expect(q("add('100m', '900m')")).toBe('1');
    expect(q("add('1k', '1')")).toBe('1001');
    expect(q("add('1e3', '2e3')")).toBe('3e3');
    expect(q("subtract('1Ki', '1Ki')")).toBe('0');
    expect(q("subtract('512Mi', '1Gi')")).toBe('-512Mi');
    // BinarySI prints in decimal below 1024 or with a fraction, as Quantity.String() does.
    expect(q("subtract('1Ki', '1000')")).toBe('24');
    expect(q("multiply('1Ki', `0.5`)")).toBe('512');
    expect(q("multiply('1Ki', `1.5`)")).toBe('1536');
    expect(q("multiply('1500m', `2`)")).toBe('3');
    expect(q("multiply(`0.5`, '1Gi')")).toBe('512Mi');
  });

  it('quantity / number rounds toward zero at the operands’ precision; quantity / quantity is a number', () => {
    expect(q("divide('1', `3`)")).toBe('0');
    expect(q("divide('1.5', `2`)")).toBe('700m');
    expect(q("divide('300Mi', `3`)")).toBe('100Mi');
    expect(q('divide(spec.memory, spec.limit)')).toBeCloseTo(0.29296875, 12);
  });

  it('a plain numeric string and "1m" are quantities (milli), not numbers or durations', () => {
    expect(q("add('10', '5')")).toBe('15');
    expect(q("add('1m', '1m')")).toBe('2m');
  });
});

describe('durations', () => {
  it('print as Go durations', () => {
    expect(q("subtract('1h', '2h')")).toBe('-1h0m0s');
    expect(q('multiply(spec.timeout, `1.5`)')).toBe('2m15s');
    expect(q("divide('1s', `1000`)")).toBe('1ms');
    expect(q("divide('1ms', `3`)")).toBe('333.333µs');
    expect(q("subtract('1h', '1h')")).toBe('0s');
  });
});

describe('errors', () => {
  it.each([
    ["add('1Gi', `1`)", "JMESPath function 'add': types mismatch"],
    ["add('1h', '1Gi')", "JMESPath function 'add': types mismatch"],
    ["multiply('1Gi', '2Gi')", "JMESPath function 'multiply': types mismatch"],
    ["divide(`1`, '1Gi')", "JMESPath function 'divide': types mismatch"],
    ["add('lots', `1`)", "JMESPath function 'add': invalid operands"],
    ["divide('1Gi', `0`)", "JMESPath function 'divide': Zero divisor passed"],
    ["divide('1h', '0s')", "JMESPath function 'divide': Zero divisor passed"],
    ['modulo(`7.5`, `2`)', "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"],
    ["modulo('1.5', '1')", "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"],
    ["sum(['1Gi', '1h'])", "JMESPath function 'sum': types mismatch"],
    ['sum(`[]`)', "JMESPath function 'sum': at least one element is required"],
  ])('%s fails: %s', (expr, message) => {
    expect(() => q(expr)).toThrow(message);
  });
});

describe('in a policy: comparing computed quantities with condition operators', () => {
  const policy = loadKyvernoPolicy(
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'ratio' },
      spec: {
        rules: [
          {
            name: 'limit-at-most-twice-request',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: 'memory limit must be at most twice the request',
              foreach: [
                {
                  list: 'request.object.spec.containers',
                  deny: {
                    conditions: {
                      any: [
                        {
                          key: "{{ divide('{{ element.resources.limits.memory }}', '{{ element.resources.requests.memory }}') }}",
                          operator: 'GreaterThan',
                          value: 2,
                        },
                      ],
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    },
    'ratio.yaml',
  );
  const pod = (limit: string, request: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { memory: limit }, requests: { memory: request } } }] },
  });
  it('passes at a ratio of 2 and fails above it, across units', () => {
    expect(evaluateKyvernoPolicy(policy, { operation: 'CREATE', object: pod('1Gi', '512Mi') as never })).toMatchObject([{ status: 'pass' }]);
    expect(evaluateKyvernoPolicy(policy, { operation: 'CREATE', object: pod('1Gi', '500M') as never })).toMatchObject([{ status: 'fail' }]);
  });
});
