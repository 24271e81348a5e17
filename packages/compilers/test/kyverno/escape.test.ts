import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compile, search } from '@jmespath-community/jmespath';
import { isLiteralPatternString, jmespathIdentifier, jmespathLiteral, kyvernoText, variable } from '../../src/kyverno/escape.js';
import { kyvernoSubstitute, WHOLE_VARIABLE } from './support/substitution-model.js';

/** Strings dense in the characters Kyverno's passes react to. */
const tricky = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('{', '}', '$', '(', ')', '\\', ' ', '\n', '\r', '`', "'", '"', '|', '*', '?', '!', '&', '-', '<', '>') },
    { weight: 3, arbitrary: fc.constantFrom('a', 'x', '0', '.', ':', '/') },
    { weight: 1, arbitrary: fc.constantFrom('✓', 'é', '😀', '\u2028') },
  ),
  maxLength: 40,
});

describe('kyvernoText (messages)', () => {
  it('reads back exactly through Kyverno reference and variable substitution', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        expect(kyvernoSubstitute(kyvernoText(s))).toEqual({ ok: true, text: s });
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves text without braces or references untouched', () => {
    expect(kyvernoText('Running as root is not allowed.')).toBe('Running as root is not allowed.');
  });

  it('handles the cases that need care', () => {
    // Raw text the model confirms Kyverno would misread, next to its escaped form.
    for (const s of [
      '{{ request.object.metadata.name }}',
      '{{{x}}}',
      '\\{{x}}',
      '$(ref)',
      'a$(b)c)',
      '\\$(x)',
      '{{{{x}}',
      '$($(x)',
      '$(\\$(x)',
      '$($($(a)',
      'a$({{$(b) $(c)',
      '$(a{$(b)}}',
    ]) {
      expect(kyvernoSubstitute(s).ok && (kyvernoSubstitute(s) as { text: string }).text === s).toBe(false);
      expect(kyvernoSubstitute(kyvernoText(s))).toEqual({ ok: true, text: s });
    }
  });
});

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 })),
})).value;

describe('jmespathLiteral', () => {
  it('evaluates to the value itself and survives Kyverno substitution as one whole variable', () => {
    fc.assert(
      fc.property(json, (v) => {
        const lit = jmespathLiteral(v);
        expect(search(null, lit)).toEqual(v);
        expect(lit.slice(1, -1)).not.toMatch(/[`{}$]/);
        const key = variable(`contains(\`[]\`, ${lit})`);
        expect(WHOLE_VARIABLE.test(key)).toBe(true);
        expect(key).not.toMatch(/[^\\]\$\(/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses objects, which would need raw braces', () => {
    expect(() => jmespathLiteral([{ a: 1 }])).toThrow(/scalars and lists/);
  });
});

describe('jmespathIdentifier', () => {
  it('selects the key it names', () => {
    fc.assert(
      fc.property(
        tricky.filter((s) => s.length > 0),
        (k) => {
          expect(search({ [k]: 42 }, jmespathIdentifier(k))).toBe(42);
        },
      ),
    );
  });
});

describe('isLiteralPatternString', () => {
  it('rejects every pattern metacharacter, Go boolean spelling and number-like text', () => {
    for (const s of [
      'a|b',
      'a&b',
      '!a',
      '>1',
      '<1',
      'a*',
      'a?',
      '1-2',
      'a-b',
      '{{x}}',
      '$(x)',
      'a b',
      'true',
      'False',
      't',
      '1',
      '0.5',
      '',
      'null',
      '10Gi',
      '5m',
    ]) {
      expect(isLiteralPatternString(s)).toBe(false);
    }
    for (const s of ['RuntimeDefault', 'Localhost', 'container_t', 'kernel.shm_rmid_forced', 'NET_BIND_SERVICE', 'runtime/default']) {
      expect(isLiteralPatternString(s)).toBe(true);
    }
  });
});

describe('compiled expressions parse', () => {
  it('a literal-heavy expression compiles in the JMESPath grammar', () => {
    expect(() => compile(`contains(${jmespathLiteral(['a`b', '{{x}}', '$(y)'])}, request.object.spec.runtimeClassName)`)).not.toThrow();
  });
});
