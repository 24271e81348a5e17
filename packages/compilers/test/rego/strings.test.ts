/**
 * Escaping is centralised in src/rego/strings.ts; these properties pin it down on arbitrary
 * Unicode. OPA's parser decodes double-quoted literals with Go's json.Unmarshal
 * (open-policy-agent/opa ast/parser.go, parseString), so JSON.parse reads what OPA reads.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'yaml';
import { regoComment, regoSet, regoString, UnencodableStringError } from '../../src/rego/strings.js';
import { toYaml } from '../../src/shared/yaml.js';

const wellFormed = fc.string({ unit: 'grapheme', maxLength: 40 });
const anyCodeUnits = fc.string({ unit: 'binary', maxLength: 40 });
const tricky = fc.constantFrom(
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\uffff',
  '{{',
  '}}',
  '%v',
  '*',
  '?',
  '|',
  '!',
  '<',
  '>',
  '&',
  '-',
  '𝄞',
  'é',
  '${x}',
);
const mixed = fc.array(fc.oneof(tricky, wellFormed), { maxLength: 8 }).map((parts) => parts.join(''));
const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('regoString', () => {
  it("reads back as exactly the author's string", () => {
    fc.assert(
      fc.property(fc.oneof(mixed, wellFormed), (s) => expect(JSON.parse(regoString(s))).toBe(s)),
      { numRuns: 2000 },
    );
  });

  it('is one line of printable text that YAML keeps in a literal block', () => {
    fc.assert(
      fc.property(mixed, (s) => {
        const lit = regoString(s);
        expect(lit).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]/);
        const text = `x := ${lit}\n\ty := 1\n`;
        const yaml = toYaml({ rego: text });
        expect(yaml.startsWith('rego: |')).toBe(true);
        expect(parse(yaml)).toEqual({ rego: text });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses exactly the strings no UTF-8 file can hold (lone surrogates)', () => {
    fc.assert(
      fc.property(anyCodeUnits, (s) => {
        if (hasLoneSurrogate(s)) expect(() => regoString(s)).toThrow(UnencodableStringError);
        else expect(JSON.parse(regoString(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('regoSet', () => {
  it('writes the empty set as set() (an empty {} is an object in Rego)', () => {
    expect(regoSet([])).toBe('set()');
  });

  it('keeps every scalar readable as JSON', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(mixed, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        (values) => {
          // JSON (and so Rego) has no negative zero: -0 is read back as 0.
          expect(JSON.parse(`[${regoSet(values).slice(1, -1)}]`)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
        },
      ),
    );
  });
});

describe('regoComment', () => {
  it('never lets text escape the comment: every line starts with #', () => {
    fc.assert(
      fc.property(fc.oneof(mixed, anyCodeUnits), (s) => {
        const lines = regoComment(s);
        for (const line of lines) {
          expect(line.startsWith('#')).toBe(true);
          expect(line).not.toMatch(/[\n\r\u0085\u2028\u2029\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
          expect(hasLoneSurrogate(line)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
