/**
 * Ground truth: the 148 Pods upstream Pod Security Admission generates for v1.37
 * (kubernetes/pod-security-admission test/testdata/{baseline,restricted}/v1.37, copied to
 * /work/shared/conformance/psa). Upstream's integration test creates each Pod under an enforcing
 * namespace: pass Pods are admitted; fail Pods are refused with `upstream_error_substring` in the message.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { evaluatePodSecurity, formatForbidden, type PssEvaluation } from '../src/index.js';
import { loadPsaIndex, parseYaml, readFixtureText, resolveField } from './support.js';

const fixtures = loadPsaIndex();

describe('upstream PSA v1.37 testdata', () => {
  it('covers all 148 upstream Pods (15+34 baseline, 23+76 restricted)', () => {
    expect(fixtures).toHaveLength(148);
    const count = (level: string, outcome: string): number => fixtures.filter((f) => f.level === level && f.expect === outcome).length;
    expect([count('baseline', 'pass'), count('baseline', 'fail')]).toEqual([15, 34]);
    expect([count('restricted', 'pass'), count('restricted', 'fail')]).toEqual([23, 76]);
  });

  describe.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, fixture) => {
    // Read and evaluated inside the tests, so a fixture that throws fails its own tests only.
    const text = (): string => readFixtureText(fixture.file);
    const manifest = (): unknown => parseYaml(text());
    const evaluate = (): PssEvaluation => evaluatePodSecurity(manifest(), { level: fixture.level, version: fixture.version, source: fixture.file });

    it('is the file the index describes', () => {
      expect(createHash('sha256').update(text()).digest('hex')).toBe(fixture.sha256);
    });

    it(`is ${fixture.expect === 'pass' ? 'allowed' : 'refused'} at ${fixture.level}:${fixture.version}`, () => {
      const result = evaluate();
      expect(result.version).toBe(fixture.version);
      expect(result.allowed).toBe(fixture.expect === 'pass');
      expect(result.results.every((r) => r.allowed === (r.violations.length === 0))).toBe(true);
      if (fixture.expect === 'pass') expect(formatForbidden(result.results)).toBe('');
    });

    if (fixture.expect === 'fail') {
      const expectedCheck = fixture.evaluated_at_restricted_by ?? fixture.check;
      const substring = fixture.upstream_error_substring ?? '';

      it(`is refused by ${expectedCheck} with upstream's message substring ${JSON.stringify(substring)}`, () => {
        const result = evaluate();
        const failing = result.results.find((r) => r.id === expectedCheck);
        expect(failing?.allowed).toBe(false);
        // An overriding restricted check may belong to another control (hostPath → Volume Types).
        if (fixture.evaluated_at_restricted_by === undefined) expect(failing?.control).toBe(fixture.control);
        expect(`${failing?.reason ?? ''} (${failing?.detail ?? ''})`).toContain(substring);
        // The whole refusal message PSA returns contains it too.
        expect(formatForbidden(result.results)).toContain(substring);
      });

      it('names each offending field so an exclusion can target it', () => {
        const pod = manifest();
        const violations = evaluate().results.flatMap((r) => r.violations);
        expect(violations.length).toBeGreaterThan(0);
        for (const v of violations) {
          const actual = resolveField(pod, v.field);
          if (v.type === 'required') {
            expect(actual === undefined || (Array.isArray(actual) && actual.length === 0)).toBe(true);
          } else if (v.value === 'nil') {
            expect(actual).toBeUndefined();
          } else if (Array.isArray(v.value)) {
            expect(actual).toEqual(expect.arrayContaining([...v.value]));
          } else if (v.value !== undefined && (actual === null || typeof actual !== 'object')) {
            expect(actual).toBe(v.value);
          } else {
            expect(actual).toBeDefined();
          }
          if (v.container !== undefined) {
            expect(v.field.startsWith(`spec.${v.container.kind}[${v.container.index}].`)).toBe(true);
            expect(resolveField(pod, `spec.${v.container.kind}[${v.container.index}].name`)).toBe(v.container.name);
          }
        }
      });
    }
  });
});
