/**
 * Rule context entries that cannot fail are evaluated when first read (context.ts setLazy), and only they:
 * Kyverno loads every entry before the rule runs (loaders/variable.go), so an entry that errors or yields
 * null makes the rule an error even when nothing reads it. These tests hold the verdicts to eager loading.
 */
import { describe, expect, it } from '@jest/globals';
import { cannotFail } from '../src/jmespath/cannot-fail.js';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, type KyvernoAdmissionRequest } from '../src/index.js';

type Obj = Record<string, unknown>;

describe('cannotFail: expressions that never error and never yield null', () => {
  it.each([
    'a || `[]`',
    '(request.object.spec.[initContainers, containers][] | [?securityContext.privileged == `true`]) || `[]`',
    "map(&((type(name) == 'string' && name) || ''), (request.object.spec.containers[?image != null]) || `[]`)",
    '(a == `1` && [b[?x == `2`] || `[]`] || [c[?x == `3`] || `[]`])[0]',
    "type(a) == 'string' && starts_with(a, 'x') && `[]` || `[]`",
    "(type(m) != 'object' || !(items(m, 'key', 'value')[?starts_with(key, 'p/')])) && `[1]` || `[]`",
    "type(v) == 'string' && regex_match('^s0$', v) && `[1]` || `[]`",
  ])('%s cannot fail', (e) => {
    expect(cannotFail(e)).toBe(true);
  });

  it.each([
    ['a.b', 'an unknown key reaches the top'],
    ['a || `null`', 'null is a result'],
    ["contains(a, 'x') && `[]` || `[]`", 'contains() on a value that may be a number'],
    ['map(&n, a) || `[]`', 'map() over a value that may not be a list'],
    ['map(&n, a || `[]`)', 'a truthy non-list passes `|| []`'],
    ['[a][0]', 'the element may be null'],
    ["type(n) == 'string' && map(&starts_with(n, 'x'), a[?x]) || `[]`", 'a guard on `n` says nothing about each element’s `n`'],
    ["parse_json('[1]') || `[]`", 'parse_json is never trusted'],
    ["type(v) == 'string' && regex_match('(', v) && `[1]` || `[]`", 'an invalid regular expression'],
    ['a +', 'a syntax error'],
  ])('%s may fail: %s', (e) => {
    expect(cannotFail(e)).toBe(false);
  });
});

const policy = (context: Obj[], validate: Obj) =>
  loadKyvernoPolicy(
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, context, validate }] },
    },
    'lazy.yaml',
  );
const request = (containers: Obj[]): KyvernoAdmissionRequest => ({
  operation: 'CREATE',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers } } as never,
});
const privileged = 'request.object.spec.containers[?securityContext.privileged == `true`] || `[]`';
const denyPrivileged = (message: string) => ({
  message,
  deny: { conditions: { any: [{ key: `{{ length(${privileged}) }}`, operator: 'GreaterThan', value: 0 }] } },
});

describe('lazy context entries keep eager verdicts', () => {
  it('a variable read by the message of a failing rule has its value', () => {
    const p = policy([{ name: 'bad', variable: { jmesPath: `${privileged} | map(&name, @)` } }], denyPrivileged("privileged: {{ join(', ', bad) }}"));
    const [r] = evaluateKyvernoPolicy(p, request([{ name: 'a', securityContext: { privileged: true } }, { name: 'b' }]));
    expect(r).toMatchObject({ status: 'fail', message: 'privileged: a' });
  });

  it('an unread variable that cannot fail lets the rule pass', () => {
    const p = policy([{ name: 'bad', variable: { jmesPath: privileged } }], denyPrivileged('{{ bad }}'));
    expect(evaluateKyvernoPolicy(p, request([{ name: 'a' }]))[0]).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['an unknown key', 'request.object.metadata.labels.app'],
    ['a null value', 'request.object.metadata.labels || `null`'],
    ['a function error', "contains(request.object.metadata.name, 'p') && request.object.spec.containers[0].image.tag"],
    ['a type error in map()', 'map(&name, request.object.metadata)'],
  ])('an unread variable with %s still makes the rule an error', (_what, jmesPath) => {
    const p = policy([{ name: 'unused', variable: { jmesPath } }], denyPrivileged('no'));
    expect(evaluateKyvernoPolicy(p, request([{ name: 'a' }]))[0]).toMatchObject({ status: 'error' });
  });

  it('a lazy variable sees the context of its definition, not a later foreach element', () => {
    const p = policy([{ name: 'first', variable: { jmesPath: "element.name || 'none'" } }], {
      message: '{{ first }} / {{ element.name }}',
      foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ element.name }}', operator: 'Equals', value: 'b' }] } } }],
    });
    expect(evaluateKyvernoPolicy(p, request([{ name: 'a' }, { name: 'b' }]))[0]).toMatchObject({ status: 'fail', message: 'validation failure: none / b' });
  });
});
