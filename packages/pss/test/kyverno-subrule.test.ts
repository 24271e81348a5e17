/**
 * Kyverno's own `podSecurity` subrule tests (kyverno/policies `pod-security/subrule/*`, copied to
 * /work/shared/conformance/kyverno/subrule with verdicts computed by `kyverno test`). Kyverno runs
 * the PSA checks; these tests show our results carry what its `exclude` needs. The exclusion below
 * is a deliberately small sketch (control name, pod-level versus image-matched container-level
 * fields, per Kyverno pkg/pss/evaluate.go); the Kyverno engine owns the full semantics.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { sharedDir } from '../../../test/support/shared.js';
import { evaluatePodSecurity, evaluatePodSecurityAsKyverno, extractPodSpec, type PssLevel, type PssViolation } from '../src/index.js';

interface Exclude {
  readonly controlName: string;
  readonly images?: readonly string[];
}

interface SubrulePolicy {
  readonly level: PssLevel;
  readonly version: string;
  readonly exclude: readonly Exclude[];
}

interface Expectation {
  readonly policy_file: string;
  readonly resource_file: string;
  readonly resource_doc_index: number;
  readonly resource: string;
  readonly expect: 'pass' | 'fail';
}

function docs(file: string): unknown[] {
  return parseAllDocuments(readFileSync(sharedDir('conformance', 'kyverno', file), 'utf8')).map((d) => d.toJS() as unknown);
}

function subrule(file: string): SubrulePolicy {
  const policy = docs(file)[0] as { spec: { rules: { validate: { podSecurity: SubrulePolicy } }[] } };
  const rule = policy.spec.rules[0];
  if (rule === undefined) throw new Error(`${file}: no rule`);
  const { level, version, exclude } = rule.validate.podSecurity;
  return { level, version, exclude: exclude ?? [] };
}

/** Kyverno's `wildcard.CheckPatterns` for the `*`/`?` globs these tests use. */
function globMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

function excluded(control: string, v: PssViolation, excludes: readonly Exclude[]): boolean {
  return excludes.some((e) => {
    if (e.controlName !== control) return false;
    if (e.images === undefined) return v.container === undefined;
    const image = v.container?.image;
    return image !== undefined && e.images.some((p) => globMatch(p, image));
  });
}

const expectations = (JSON.parse(readFileSync(sharedDir('conformance', 'kyverno', 'index.json'), 'utf8')) as Expectation[]).filter((e) =>
  e.policy_file.startsWith('subrule/'),
);

describe('Kyverno podSecurity subrule ground truth', () => {
  it('has the 8 upstream subrule expectations', () => {
    expect(expectations).toHaveLength(8);
  });

  it.each(expectations.map((e) => [`${e.policy_file} ${e.resource}`, e] as const))('%s', (_name, e) => {
    const rule = subrule(e.policy_file);
    const pod = extractPodSpec(docs(e.resource_file)[e.resource_doc_index], e.resource_file);
    if (pod === null) throw new Error(`${e.resource_file}: not a Pod`);
    const options = { level: rule.level, version: rule.version, source: e.resource_file };
    const result = evaluatePodSecurityAsKyverno(pod, options);
    const remaining = result.results.flatMap((r) => r.violations.filter((v) => !excluded(r.control, v, rule.exclude)));
    expect(remaining.length === 0 ? 'pass' : 'fail').toBe(e.expect);
    if (rule.exclude.length === 0) {
      expect(result.allowed).toBe(e.expect === 'pass');
      // These Pods sit where Kyverno and upstream PSA agree.
      expect(evaluatePodSecurity(pod, options).allowed).toBe(result.allowed);
    }
  });
});
