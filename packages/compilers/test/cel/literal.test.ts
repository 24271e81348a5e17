/**
 * Escaping: every string, number and list a user writes reaches CEL as exactly that value. Strings
 * cover the whole Unicode range, quotes, backslashes, line breaks, control and format characters,
 * Kyverno `{{`, pattern metacharacters and CEL escape sequences written literally.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { celList, celNumber, celString, CelLiteralError } from '../../src/cel/literal.js';
import { globToRegExp, globPattern } from '@podsec/ir';
import { celEnvironment, toCel } from './harness.js';

const env = celEnvironment();
const tricky = fc.constantFrom(
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0085',
  '\u2028',
  '\u200b',
  '\ufeff',
  '{{',
  '}}',
  '*',
  '?',
  '|',
  '!',
  '<',
  '>',
  '&',
  '-',
  '\\n',
  '\\u0041',
  '\\x41',
  '\\101',
  '😀',
  'é',
  '${x}',
  '%s',
);
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }).filter((s) => !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))),
  fc.array(tricky).map((p) => p.join('')),
);

describe('celString', () => {
  it('evaluates to the original string (2,000 cases)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const literal = celString(s);
        expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(env.evaluate(literal)).toBe(s);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('rejects a lone surrogate with an error that says what to do', () => {
    expect(() => celString('a\ud800b')).toThrow(CelLiteralError);
    expect(() => celString('a\ud800b')).toThrow(/lone UTF-16 surrogate \(U\+D800\).*remove it/);
  });
});

describe('celNumber and celList', () => {
  it('integral numbers are CEL ints and others doubles, as Kubernetes decodes JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
        const result = env.evaluate(celNumber(n));
        expect(result).toEqual(Number.isSafeInteger(n) ? BigInt(n) : n);
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it('mixed lists keep every element and its type', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }));
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 5 }), (values) => {
        expect(env.evaluate(celList(values))).toEqual(toCel(values));
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('rejects non-finite numbers', () => {
    expect(() => celNumber(Number.POSITIVE_INFINITY)).toThrow(/no CEL literal/);
  });
});

describe('globPattern', () => {
  const globChar = fc.constantFrom('a', 'b', '*', '?', '.', '\\', '(', ')', '[', ']', '{', '}', '|', '^', '$', '+', '-', '/', ':', 'é', '\n');
  const text = (n: number) => fc.array(globChar, { maxLength: n }).map((c) => c.join(''));

  it('matches in CEL exactly what the IR glob matches (2,000 cases)', () => {
    fc.assert(
      fc.property(text(6), text(8), (glob, subject) => {
        const pattern = globPattern(glob);
        // RE2 and JavaScript `u` mode both reject escapes of non-syntax characters: valid here is
        // a strong hint the pattern is valid RE2 too.
        expect(() => new RegExp(pattern, 'u')).not.toThrow();
        const matched = env.evaluate(`object.matches(${celString(pattern)})`, { object: subject });
        expect({ glob, subject, matched }).toEqual({ glob, subject, matched: globToRegExp(glob).test(subject) });
      }),
      { numRuns: 2000, seed: 13 },
    );
  });
});
