/**
 * The pattern algebra on its own: anchors chosen from absence semantics, conjunction by merge,
 * disjunction as anyPattern, and the rendering Kyverno reads. Each expectation is checked against
 * podsec's Kyverno pattern engine too (matchPattern, a port of pkg/engine/validate), so the algebra's
 * laws are the engine's behaviour, not just our data structure.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { matchPattern } from '@podsec/kyverno';
import {
  atPath,
  conjoin,
  disjoin,
  keyed,
  leaf,
  listNode,
  mapNode,
  merge,
  MAX_ALTERNATIVES,
  passesWhenAbsent,
  renderPattern,
  type PatternNode,
} from '../../src/kyverno/pattern.js';
import { checkPattern } from '../../src/kyverno/check-pattern.js';
import { exactPattern, valuePattern } from '../../src/kyverno/value-pattern.js';
import { globToRegExp } from '@podsec/ir';

/** Does Kyverno's pattern validation accept `resource` under the rendered tree? */
function accepts(node: PatternNode, resource: unknown): boolean {
  const outcome = matchPattern(resource as never, renderPattern(node) as never);
  return outcome.status === 'pass';
}

describe('anchors from absence', () => {
  it('an optional leaf makes its parents =() anchored; a required leaf makes them plain keys', () => {
    expect(renderPattern(atPath(['spec', 'securityContext'], leaf('runAsNonRoot', 'optional', true)))).toEqual({
      '=(spec)': { '=(securityContext)': { '=(runAsNonRoot)': true } },
    });
    expect(renderPattern(atPath(['spec', 'securityContext'], leaf('runAsNonRoot', 'required', true)))).toEqual({
      spec: { securityContext: { runAsNonRoot: true } },
    });
    expect(renderPattern(atPath(['spec'], leaf('hostPath', 'forbidden')))).toEqual({ '=(spec)': { 'X(hostPath)': 'null' } });
  });

  it('list patterns pass when empty, so their keys are always =() anchored', () => {
    const node = keyed('containers', listNode(leaf('image', 'required', 'x')));
    expect(passesWhenAbsent(listNode(mapNode([])))).toBe(true);
    expect(renderPattern(node)).toEqual({ '=(containers)': [{ image: 'x' }] });
  });

  it('the engine agrees: =() passes on absence, a plain key fails, X() fails on presence', () => {
    const optional = atPath(['spec'], leaf('hostPID', 'optional', false));
    const required = atPath(['spec'], leaf('hostPID', 'required', false));
    const forbidden = atPath(['spec'], leaf('hostPID', 'forbidden'));
    expect([accepts(optional, { spec: {} }), accepts(optional, { spec: { hostPID: false } }), accepts(optional, { spec: { hostPID: true } })]).toEqual([
      true,
      true,
      false,
    ]);
    expect([accepts(required, { spec: {} }), accepts(required, { spec: { hostPID: false } })]).toEqual([false, true]);
    expect([accepts(forbidden, { spec: {} }), accepts(forbidden, { spec: { hostPID: false } })]).toEqual([true, false]);
  });
});

describe('merge (conjunction)', () => {
  const a = atPath(['spec', 'securityContext'], leaf('runAsUser', 'optional', 1000));
  const b = atPath(['spec', 'securityContext'], leaf('runAsNonRoot', 'required', true));

  it('strengthens =(k) ∧ k to k and keeps both constraints', () => {
    expect(renderPattern(merge(a, b)!)).toEqual({ spec: { securityContext: { '=(runAsUser)': 1000, runAsNonRoot: true } } });
  });

  it('refuses what one tree cannot say: different scalars at one place, forbidden and constrained', () => {
    expect(merge(leaf('x', 'required', 1), leaf('x', 'required', 2))).toBeUndefined();
    expect(merge(leaf('x', 'forbidden'), leaf('x', 'optional', 2))).toBeUndefined();
    expect(merge(listNode(mapNode([])), mapNode([]))).toBeUndefined();
  });

  it('is a conjunction in the engine: merged accepts exactly what both accept', () => {
    const values = fc.option(fc.constantFrom(0, 1000, true, false), { nil: undefined });
    fc.assert(
      fc.property(values, values, (runAsUser, runAsNonRoot) => {
        const sc: Record<string, unknown> = {};
        if (runAsUser !== undefined) sc.runAsUser = runAsUser;
        if (runAsNonRoot !== undefined) sc.runAsNonRoot = runAsNonRoot;
        const resource = { spec: { securityContext: sc } };
        expect(accepts(merge(a, b)!, resource)).toBe(accepts(a, resource) && accepts(b, resource));
      }),
    );
  });

  it('merges list items, so one list pattern carries every container constraint', () => {
    const x = keyed('containers', listNode(leaf('a', 'optional', 1)));
    const y = keyed('containers', listNode(leaf('b', 'optional', 2)));
    expect(renderPattern(merge(x, y)!)).toEqual({ '=(containers)': [{ '=(a)': 1, '=(b)': 2 }] });
  });
});

describe('conjoin / disjoin', () => {
  const alt = (k: string) => [leaf(k, 'required', true), leaf(`${k}2`, 'required', true)];

  it('conjoin is the cross product of alternatives', () => {
    expect(conjoin([alt('a'), alt('b')])!.map(renderPattern)).toEqual([
      { a: true, b: true },
      { a: true, b2: true },
      { a2: true, b: true },
      { a2: true, b2: true },
    ]);
  });

  it(`gives up beyond ${MAX_ALTERNATIVES} alternatives instead of exploding`, () => {
    expect(conjoin([alt('a'), alt('b'), alt('c')])).toHaveLength(8);
    expect(conjoin([alt('a'), alt('b'), alt('c'), alt('d')])).toBeUndefined();
    expect(disjoin(Array.from({ length: MAX_ALTERNATIVES + 1 }, (_, i) => [leaf(`k${i}`, 'required', true)]))).toBeUndefined();
  });

  it('any unexpressible part makes the whole unexpressible', () => {
    expect(conjoin([alt('a'), undefined])).toBeUndefined();
    expect(disjoin([alt('a'), undefined])).toBeUndefined();
  });
});

describe('value patterns', () => {
  it('write alternation, negated conjunction and numeric bounds', () => {
    expect(valuePattern({ op: 'in', values: ['RuntimeDefault', 'Localhost'] }, 'string')).toBe('RuntimeDefault | Localhost');
    expect(valuePattern({ op: 'notIn', values: ['Unmasked', 'Other'] }, 'string')).toBe('!Unmasked & !Other');
    expect(valuePattern({ op: 'range', min: 1, max: 65535 }, 'integer')).toBe('>=1 & <=65535');
    expect(valuePattern({ op: 'equals', value: false }, 'boolean')).toBe(false);
    expect(valuePattern({ op: 'glob', value: 'registry.k8s.io/*' }, 'string')).toBe('registry.k8s.io/*');
    expect(valuePattern({ op: 'prefix', value: 'localhost/' }, 'string')).toBe('localhost/*');
    expect(
      valuePattern(
        {
          op: 'or',
          of: [
            { op: 'equals', value: 'runtime/default' },
            { op: 'prefix', value: 'localhost/' },
          ],
        },
        'string',
      ),
    ).toBe('runtime/default | localhost/*');
    expect(
      valuePattern(
        {
          op: 'and',
          of: [
            { op: 'prefix', value: 'profiles/' },
            { op: 'glob', value: '*.json' },
          ],
        },
        'string',
      ),
    ).toBe('profiles/* & *.json');
  });

  it('a `*` glob pattern decides like evaluate.ts globToRegExp in the engine', () => {
    const unit = fc.constantFrom('a', 'b', '.', '/', '*');
    fc.assert(
      fc.property(
        fc.string({ unit, minLength: 1, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '*', '?', ' '), maxLength: 8 }),
        (glob, value) => {
          const p = valuePattern({ op: 'glob', value: glob }, 'string');
          if (p === undefined) return;
          expect(accepts(leaf('v', 'required', p), { v: value })).toBe(globToRegExp(glob).test(value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuse literals Kyverno would reinterpret and types the field cannot hold', () => {
    expect(valuePattern({ op: 'equals', value: 'a*b' }, 'string')).toBeUndefined();
    expect(valuePattern({ op: 'in', values: ['spc_t', 'x|y'] }, 'string')).toBeUndefined();
    expect(valuePattern({ op: 'equals', value: 'true' }, 'string')).toBeUndefined();
    expect(valuePattern({ op: 'equals', value: 1 }, 'boolean')).toBeUndefined();
    expect(valuePattern({ op: 'range', min: 0.5 }, 'integer')).toBeUndefined();
    expect(valuePattern({ op: 'glob', value: 'a?' }, 'string')).toBeUndefined();
    expect(valuePattern({ op: 'glob', value: 'a b*' }, 'string')).toBeUndefined();
    expect(valuePattern({ op: 'prefix', value: '>' }, 'string')).toBeUndefined();
    expect(
      valuePattern(
        {
          op: 'or',
          of: [
            { op: 'in', values: ['a1', 'b1'] },
            { op: 'equals', value: 'c1' },
          ],
        },
        'string',
      ),
    ).toBeUndefined();
  });

  it('a literal-safe string pattern matches only itself in the engine', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('RuntimeDefault', 'Localhost', 'container_t', 'kernel.shm_rmid_forced'),
        fc.oneof(fc.string(), fc.constantFrom('RuntimeDefault', 'runtimedefault', 'Localhost ', 'container_t', '*')),
        (lit, value) => {
          const p = valuePattern({ op: 'equals', value: lit }, 'string')!;
          expect(accepts(leaf('v', 'required', p), { v: value })).toBe(value === lit);
        },
      ),
    );
  });
});

describe('exactPattern: the value equal to the pattern text', () => {
  it("the engine admits a string pattern's own text, whatever its terms say", () => {
    expect(accepts(leaf('v', 'required', 'container_t | spc_t'), { v: 'container_t | spc_t' })).toBe(true);
  });

  it('keeps a multi-term pattern only where that value cannot disagree with the predicate', () => {
    const inTwo = { op: 'in' as const, values: ['container_t', 'spc_t'] };
    // Free string: "container_t | spc_t" would pass the pattern and fail the predicate.
    expect(exactPattern(inTwo, { type: 'string' })).toBeUndefined();
    // Enumerated by the API (validated before webhooks run): the pattern text never arrives.
    expect(exactPattern({ op: 'in', values: ['RuntimeDefault', 'Localhost'] }, { type: 'string', enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] })).toBe(
      'RuntimeDefault | Localhost',
    );
    // The predicate accepts the text itself.
    expect(exactPattern({ op: 'notIn', values: ['Unmasked'] }, { type: 'string' })).toBe('!Unmasked');
    expect(exactPattern({ op: 'prefix', value: 'localhost/' }, { type: 'string' })).toBe('localhost/*');
    // Not a string field: schema validation rejects the text.
    expect(exactPattern({ op: 'range', min: 1, max: 9 }, { type: 'integer' })).toBe('>=1 & <=9');
  });
});

describe('checkPattern', () => {
  it('writes effective precedence as the require-run-as-nonroot anyPattern pair', () => {
    const alts = checkPattern({
      kind: 'field',
      field: 'runAsNonRoot',
      scope: 'effective',
      containers: ['containers'],
      pred: { op: 'equals', value: true },
      absent: 'fail',
    })!;
    expect(alts.map(renderPattern)).toEqual([
      { spec: { '=(containers)': [{ '=(securityContext)': { '=(runAsNonRoot)': true } }], securityContext: { runAsNonRoot: true } } },
      { '=(spec)': { '=(containers)': [{ securityContext: { runAsNonRoot: true } }] } },
    ]);
  });

  it('leaves to conditions what patterns cannot say', () => {
    expect(
      checkPattern({ kind: 'not', check: { kind: 'field', field: 'hostPID', scope: 'pod', pred: { op: 'equals', value: true }, absent: 'pass' } }),
    ).toBeUndefined();
    expect(checkPattern({ kind: 'entries', field: 'annotations', keyPrefix: 'x/', pred: { op: 'equals', value: 'y' } })).toBeUndefined();
    expect(
      checkPattern({ kind: 'field', field: 'capabilities.add', scope: 'container', pred: { op: 'containsNone', values: ['SYS_ADMIN'] }, absent: 'pass' }),
    ).toBeUndefined();
    expect(checkPattern({ kind: 'each', field: 'supplementalGroups', scope: 'pod', path: [], pred: { op: 'range', min: 1 }, absent: 'pass' })).toBeUndefined();
  });
});
