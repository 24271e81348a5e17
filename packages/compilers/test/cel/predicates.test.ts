/**
 * Every predicate operator, composed at random, decides in CEL exactly what `testPredicate`
 * (packages/ir/src/evaluate.ts) decides, on values of every JSON shape, including mistyped ones:
 * the CEL never raises an error where the reference returns false.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { testPredicate, type Predicate, type Scalar, type ValueType } from '@podsec/ir';
import { renderPredicate } from '../../src/cel/predicates.js';
import { celEnvironment, toCel } from './harness.js';

const STRINGS = [
  '',
  'a',
  'A',
  'ALL',
  'NET_RAW',
  'net_raw',
  'CAP_NET_RAW',
  'cap_net_raw',
  'CAP_CAP_X',
  'CAP_X',
  'X',
  'x*y',
  'a.b',
  'é',
  'line\nbreak',
  '"q"',
  'back\\slash',
];
const NUMBERS = [0, 1, -1, 2, 1.5, 65535, 65536];
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean());
const scalars = fc.array(scalar, { maxLength: 3 });
const globChar = fc.constantFrom('a', 'b', 'A', '*', '?', '.', '\\', '(', ')', '[', ']', '{', '}', '|', '^', '$', '+', '-', 'é', '\n', 'X', '_');
const glob = fc.array(globChar, { maxLength: 6 }).map((cs) => cs.join(''));
const normalize = fc.constantFrom(undefined, 'exact' as const, 'capability' as const);

const leaf: fc.Arbitrary<Predicate> = fc.oneof(
  scalar.map((value) => ({ op: 'equals', value }) as const),
  scalars.map((values) => ({ op: 'in', values }) as const),
  scalars.map((values) => ({ op: 'notIn', values }) as const),
  fc
    .record({ min: fc.option(fc.constantFrom(...NUMBERS), { nil: undefined }), max: fc.option(fc.constantFrom(...NUMBERS), { nil: undefined }) })
    .map(({ min, max }) => ({ op: 'range' as const, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) })),
  fc.constant({ op: 'present' } as const),
  fc.constant({ op: 'absent' } as const),
  fc.constantFrom(...STRINGS).map((value) => ({ op: 'prefix', value }) as const),
  glob.map((value) => ({ op: 'glob', value }) as const),
  fc.record({ values: scalars, normalize }).map(({ values, normalize: n }) => ({ op: 'subsetOf' as const, values, ...(n ? { normalize: n } : {}) })),
  scalars.map((values) => ({ op: 'containsAll', values }) as const),
  fc.record({ values: scalars, normalize }).map(({ values, normalize: n }) => ({ op: 'containsNone' as const, values, ...(n ? { normalize: n } : {}) })),
  fc.array(fc.constantFrom('hostPath', 'emptyDir', 'a-b', 'in', 'namespace'), { maxLength: 2 }).map((values) => ({ op: 'hasAnyKey', values }) as const),
);

const predicate: fc.Arbitrary<Predicate> = fc.letrec<{ p: Predicate }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('p'), { maxLength: 3 }).map((of) => ({ op: 'and', of }) as const),
    fc.array(tie('p'), { maxLength: 3 }).map((of) => ({ op: 'or', of }) as const),
    tie('p').map((pred) => ({ op: 'not', pred }) as const),
    fc
      .record({ path: fc.array(fc.constantFrom('level', 'a-b', 'x'), { minLength: 1, maxLength: 2 }), pred: tie('p'), absent: fc.constantFrom('pass', 'fail') })
      .map(({ path, pred, absent }): Predicate => ({ op: 'at', path, pred, absent })),
    fc.array(fc.constantFrom('level', 'x', 'a-b'), { maxLength: 2 }).map((values): Predicate => ({ op: 'keysIn', values, ignore: ['name'] })),
  ),
})).p;

const globSubject = fc.array(globChar, { maxLength: 6 }).map((cs) => cs.join(''));
const value: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  globSubject,
  fc.array(fc.oneof(scalar, fc.constant({ k: 1 })), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('hostPath', 'emptyDir', 'a-b', 'in', 'namespace', 'x'), scalar, { maxKeys: 3 }),
  fc.dictionary(fc.constantFrom('level', 'x', 'a-b', 'name'), fc.oneof(scalar, fc.dictionary(fc.constantFrom('level', 'x'), scalar, { maxKeys: 2 })), {
    maxKeys: 3,
  }),
);

describe('renderPredicate', () => {
  const env = celEnvironment();

  it('agrees with testPredicate on random predicates and values (3,000 cases)', () => {
    fc.assert(
      fc.property(predicate, value, (pred, v) => {
        const expression = renderPredicate(pred, 'object');
        const checked = env.check(expression);
        expect({ expression, valid: checked.valid, error: checked.error?.message }).toEqual({ expression, valid: true, error: undefined });
        expect({ expression, value: v, result: env.evaluate(expression, { object: toCel(v) }) }).toEqual({
          expression,
          value: v,
          result: testPredicate(pred, v),
        });
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  // The schema fixes most field types; the guards left out for them must not change any decision.
  const typed: [ValueType, fc.Arbitrary<unknown>][] = [
    ['string', fc.oneof(fc.constantFrom(...STRINGS), globSubject)],
    ['integer', fc.constantFrom(0, 1, -1, 2, 65535, 65536)],
    ['boolean', fc.boolean()],
    ['string[]', fc.array(fc.constantFrom(...STRINGS), { maxLength: 4 })],
    ['integer[]', fc.array(fc.constantFrom(0, 1, 2, 65535), { maxLength: 4 })],
    ['object', fc.dictionary(fc.constantFrom('hostPath', 'emptyDir', 'a-b', 'in', 'namespace', 'x'), fc.constant({}), { maxKeys: 3 })],
  ];
  it.each(typed)('agrees with testPredicate on values of schema type %s, without type guards (1,000 cases)', (type, values) => {
    fc.assert(
      fc.property(predicate, values, (pred, v) => {
        const expression = renderPredicate(pred, 'object', type);
        expect({ expression, value: v, result: env.evaluate(expression, { object: toCel(v) }) }).toEqual({
          expression,
          value: v,
          result: testPredicate(pred, v),
        });
      }),
      { numRuns: 1000, seed: 17 },
    );
  });

  // A raw manifest can carry `seLinuxOptions: x`, which the API server would refuse: the schema
  // type must not drop the map test, or `"x".?level` reads as unset and the value passes.
  it('agrees with testPredicate on values of any shape where the schema says object (1,000 cases)', () => {
    fc.assert(
      fc.property(predicate, value, (pred, v) => {
        const expression = renderPredicate(pred, 'object', 'object');
        expect({ expression, value: v, result: env.evaluate(expression, { object: toCel(v) }) }).toEqual({
          expression,
          value: v,
          result: testPredicate(pred, v),
        });
      }),
      { numRuns: 1000, seed: 23 },
    );
  });

  it('normalises capability spellings on both sides, stripping one CAP_ prefix', () => {
    // PSA compares exact strings (pod-security-admission policy/check_capabilities_restricted.go);
    // deny-lists normalise because runtimes accept `sys_admin` and `CAP_SYS_ADMIN` (semantics.md).
    const pred: Predicate = { op: 'containsNone', values: ['cap_sys_admin'], normalize: 'capability' };
    const expression = renderPredicate(pred, 'object');
    for (const list of [['SYS_ADMIN'], ['sys_admin'], ['CAP_SYS_ADMIN'], ['Cap_Sys_Admin'], ['CAP_CAP_SYS_ADMIN'], ['NET_RAW']]) {
      expect({ list, denied: !env.evaluate(expression, { object: list }) }).toEqual({ list, denied: !testPredicate(pred, list) });
    }
  });
});
