/**
 * gatekeeper-library's Pod Security Policy suites (../shared/conformance/gatekeeper-psp, verdicts
 * computed by real Gatekeeper) against `pspPolicy(<the case's constraint>)` in every podsec engine:
 * Rego, Gatekeeper (podsec's ConstraintTemplate + the upstream Constraint file itself), Kyverno,
 * ValidatingPolicy and VAP. Counts and message regexes are compared where the engine reports one
 * violation per failed check (Rego, Gatekeeper); yes/no elsewhere, and the reference's one rendered
 * message per rule against the regexes. What does not hold yet is listed
 * in support/psp-gaps.ts, and that table is held to the truth in both directions.
 */
import { describe, expect, it } from '@jest/globals';
import { isKnownGap, PSP_GAPS } from './support/psp-gaps.js';
import { assertionId, holds, JUDGES, pspAssertions, runAssertion } from './support/psp-conformance.js';

const assertions = pspAssertions();
const suites = [...new Set(assertions.map((a) => a.suite))];

describe('gatekeeper-library PSP conformance data', () => {
  it('is the 19 upstream suites, 140 assertions', () => {
    expect(suites).toHaveLength(19);
    expect(assertions).toHaveLength(140);
    expect(Object.keys(PSP_GAPS).every((s) => suites.includes(s))).toBe(true);
  });
});

describe.each(suites)('%s: every assertion holds in every engine (except the listed gaps)', (suite) => {
  it('matches gator verdicts', async () => {
    const unexpected: string[] = [];
    const fixed: string[] = [];
    for (const [i, a] of assertions.entries()) {
      if (a.suite !== suite) continue;
      const id = assertionId(a, i);
      const results = await runAssertion(a);
      for (const engine of JUDGES) {
        const ok = holds(a, engine, results[engine]);
        const gap = isKnownGap(PSP_GAPS, suite, engine, id);
        const r = results[engine];
        if (!ok && !gap)
          unexpected.push(
            `${engine} ${id} (${a.object}): expected ${a.violations}${a.message ? ` matching /${a.message}/` : ''}, got ${r.outcome}${r.messages.length ? ` ${JSON.stringify(r.messages)}` : ''}${r.error ? `: ${r.error}` : ''}`,
          );
        if (ok && gap) fixed.push(`${engine} ${id} now holds: remove it (or the suite's *) from PSP_GAPS`);
      }
    }
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
  }, 120_000);
});

describe("the reference's messages name the container each suite's message names", () => {
  /** `…for container 'nginx'…` or `…is allowed: nginx`: gatekeeper-library's two ways of naming one. */
  const named = (re: string) => /container '([a-z0-9-]+)'/.exec(re)?.[1] ?? /: ([a-z0-9-]+)$/.exec(re)?.[1];
  // The pod's seccomp annotation is a pod-level fault in podsec (the rule's pod-scoped check), where
  // gatekeeper-library attributes it to each container: the message is the rule's alone.
  const POD_LEVEL = new Set(['seccomp/default-seccomp-required/example-disallowed-global#108']);

  it('in PSA style, `(container "nginx" …)`, the same text every engine must report', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [i, a] of assertions.entries()) {
      const id = assertionId(a, i);
      const name = a.message && named(a.message);
      if (!name || POD_LEVEL.has(id)) continue;
      const r = await runAssertion(a);
      checked++;
      if (!r.reference.messages.some((m) => m.includes(` (container "${name}" `))) wrong.push(`${id}: ${JSON.stringify(r.reference.messages)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(10);
  }, 120_000);
});
