/**
 * Prints the gatekeeper-library PSP conformance table (assertions holding per template and engine):
 * `pnpm exec tsx test/support/psp-table.ts [--failures] [--gaps] [--constructs]`. The test
 * (test/psp-conformance.test.ts) asserts the same. `--constructs` also prints, per template, the IR
 * constructs its policy uses and the approximations its description declares (the closing note's table).
 */
import { PSP_TEMPLATES, pspLibraryPolicies } from '@podsec/psp-library';
import { approximationsOf, constructsOf } from './psp-constructs.js';
import { assertionId, holds, JUDGES as ENGINE_IDS, pspAssertions, runAssertion } from './psp-conformance.js';

const showFailures = process.argv.includes('--failures');
/** `--gaps`: print the PSP_GAPS table (support/psp-gaps.ts) that matches this run. */
const printGaps = process.argv.includes('--gaps');
const gaps = new Map<string, Map<string, string[]>>();
const rows = new Map<string, { total: number; ok: Record<string, number> }>();
const all = pspAssertions();
for (const [i, a] of all.entries()) {
  const r = await runAssertion(a);
  const row = rows.get(a.suite) ?? { total: 0, ok: Object.fromEntries(ENGINE_IDS.map((e) => [e, 0])) };
  row.total++;
  for (const e of ENGINE_IDS) {
    if (holds(a, e, r[e])) row.ok[e]!++;
    else {
      const bySuite = gaps.get(a.suite) ?? new Map<string, string[]>();
      bySuite.set(e, [...(bySuite.get(e) ?? []), assertionId(a, i)]);
      gaps.set(a.suite, bySuite);
      if (showFailures)
        console.log(
          `FAIL ${e} ${assertionId(a, i)} want ${a.violations}${a.message ? ` /${a.message}/` : ''}: ${r[e].outcome} ${JSON.stringify(r[e].messages)} ${r[e].error?.split('\n')[0] ?? ''}`,
        );
    }
  }
  rows.set(a.suite, row);
}
console.log(`| template | assertions | ${ENGINE_IDS.join(' | ')} |`);
console.log(`|---|---|${ENGINE_IDS.map(() => '---').join('|')}|`);
const tot = { total: 0, ok: Object.fromEntries(ENGINE_IDS.map((e) => [e, 0])) as Record<string, number> };
for (const [suite, row] of [...rows].sort()) {
  tot.total += row.total;
  for (const e of ENGINE_IDS) tot.ok[e]! += row.ok[e]!;
  console.log(`| ${suite} | ${row.total} | ${ENGINE_IDS.map((e) => row.ok[e]).join(' | ')} |`);
}
console.log(`| **all** | ${tot.total} | ${ENGINE_IDS.map((e) => tot.ok[e]).join(' | ')} |`);
if (printGaps) {
  const count = new Map(all.map((a) => [a.suite, all.filter((b) => b.suite === a.suite).length]));
  console.log('export const PSP_GAPS: GapTable = {');
  for (const [suite, byEngine] of [...gaps].sort()) {
    const entries = [...byEngine].map(([e, ids]) => `${e}: ${ids.length === count.get(suite) ? 'EVERY' : JSON.stringify(ids).replace(/"/g, "'")}`);
    console.log(`  '${suite}': { ${entries.join(', ')} },`);
  }
  console.log('};');
}
if (process.argv.includes('--constructs')) {
  console.log('\n| template (kind) | constructs | approximations (from the policy description) |');
  console.log('|---|---|---|');
  const policies = new Map(pspLibraryPolicies().map((p) => [p.ir.name, p.ir]));
  for (const t of [...PSP_TEMPLATES].sort((a, b) => a.slug.localeCompare(b.slug))) {
    const ir = policies.get(`psp-${t.slug}`)!;
    console.log(`| ${t.slug} (${t.kind}) | ${constructsOf(ir).join(', ')} | ${approximationsOf(ir.description).replace(/\|/g, '\\|')} |`);
  }
}
process.exit(0);
