import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from '../../src/shared/yaml.js';
import { generatedHeader } from '../../src/shared/header.js';

describe('toYaml', () => {
  it('round-trips any string and never writes DEL, C1 or line separators raw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (x) => {
        const text = toYaml({ x, list: [x] });
        expect(parse(text)).toEqual({ x, list: [x] });
        expect(text).not.toMatch(/[\x7f-\x9f\u2028\u2029]/);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
  it('quotes YAML 1.1 booleans and numbers, and keeps long lines whole', () => {
    const long = 'x'.repeat(500);
    expect(toYaml({ a: 'yes', b: 'on', c: '1.0', d: long })).toBe(`a: "yes"\nb: "on"\nc: "1.0"\nd: ${long}\n`);
  });
});

describe('generatedHeader', () => {
  it('keeps every control character out of the comment lines', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (title) => {
        const lines = generatedHeader({ name: 'p', source: 'p.ts', title }).split('\n').filter(Boolean);
        for (const line of lines) expect(line.startsWith('#')).toBe(true);
        expect(lines.join('')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });
});
