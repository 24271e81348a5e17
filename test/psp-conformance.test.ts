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

describe("the reference's messages are gatekeeper-library's", () => {
  /** `…for container 'nginx'…` or `…is allowed: nginx`: gatekeeper-library's two ways of naming one. */
  const named = (re: string) => /container '([a-z0-9-]+)'/.exec(re)?.[1] ?? /: ([a-z0-9-]+)$/.exec(re)?.[1];

  it("every message case: exactly one violation names the suite's container, in upstream wording", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [i, a] of assertions.entries()) {
      if (!a.message) continue;
      const name = named(a.message);
      const r = await runAssertion(a);
      checked++;
      const matching = r.reference.messages.filter((m) => new RegExp(a.message!).test(m));
      // The regex is upstream's; the container's name must be in podsec's text, not only matched by a wildcard.
      if (matching.length !== 1 || !name || !matching[0]!.includes(name)) wrong.push(`${assertionId(a, i)}: ${JSON.stringify(r.reference.messages)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(11);
  }, 120_000);
});
