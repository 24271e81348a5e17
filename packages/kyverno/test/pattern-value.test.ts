/**
 * Leaf comparisons of validate patterns. Cases follow Kyverno's documentation "Validate Rules → Operators /
 * Wildcards" (kyverno.io/docs/writing-policies/validate/#operators).
 */
import { describe, expect, it } from '@jest/globals';
import { validateValue } from '../src/index.js';

type Case = [pattern: unknown, value: unknown, expected: boolean];

const table = (cases: Case[]): void => {
  it.each(cases.map(([p, v, e]) => [JSON.stringify(p), JSON.stringify(v), e] as const))('pattern %s vs value %s → %s', (p, v, e) => {
    expect(validateValue(JSON.parse(v === undefined ? 'null' : v), JSON.parse(p))).toBe(e);
  });
};

describe('string patterns against booleans and numbers (docs: "string values are compared after conversion")', () => {
  table([
    ['false', false, true],
    ['true', false, false],
    ['>0', 1000, true],
    ['>0', 0, false],
    ['!0', 0, false],
    ['1000', 1000, true],
    ['?*', 'x', true],
    ['?*', '', false],
    ['*', 0, true],
  ]);
});

describe('logical operators | and & (docs: "Operators")', () => {
  table([
    ['RuntimeDefault | Localhost', 'Localhost', true],
    ['RuntimeDefault | Localhost', 'Unconfined', false],
    ['>1 & <5', 3, true],
    ['>1 & <5', 5, false],
    ['!default & !kube-*', 'kube-system', false],
    ['!default & !kube-*', 'team-a', true],
  ]);
});

describe('ranges a-b and a!-b, with quantities (docs: "Ranges")', () => {
  table([
    ['5000-6000', 5500, true],
    ['5000-6000', 6001, false],
    ['5000!-6000', 6001, true],
    ['5000!-6000', 5000, false],
    ['-10--8', -9, true],
    ['+2-+4', '3', true],
    ['2.5-3.5', 3.6, false],
    ['100Mi!-1024Mi', '2Gi', true],
    ['100Mi!-1024Mi', '512Mi', false],
  ]);
});

describe('quantities and durations compare by magnitude', () => {
  table([
    ['<=1Gi', '1024Mi', true],
    ['<=1Gi', '1025Mi', false],
    ['>500m', 1, true],
    ['<1h', '59m', true],
    ['>=30s', '1m', true],
    ['1Gi', '1073741824', true],
  ]);
});

describe('non-string patterns', () => {
  table([
    [1, '1', true],
    [1.5, '1.5', true],
    [1, 2, false],
    [true, 'true', false],
    [null, '', true],
    [null, 0, true],
    [null, 'x', false],
    [{ a: 1 }, { b: 2 }, true],
    [{ a: 1 }, 'x', false],
  ]);
});

describe('wildcards', () => {
  table([
    ['localhost/*', 'localhost/custom', true],
    ['*:latest', 'nginx:latest', true],
    ['!*:latest', 'nginx:1.2', true],
    ['ghcr.io/*', 'docker.io/x', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
  ]);
});
