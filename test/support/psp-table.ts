/**
 * Prints the gatekeeper-library PSP conformance table (assertions holding per template and engine):
 * `pnpm exec tsx test/support/psp-table.ts [--failures]`. The test (test/psp-conformance.test.ts) asserts the same.
 */
import { ENGINE_IDS } from '@podsec/verify';
import { assertionId, holds, pspAssertions, runAssertion } from './psp-conformance.js';

const showFailures = process.argv.includes('--failures');
const rows = new Map<string, { total: number; ok: Record<string, number> }>();
const all = pspAssertions();
for (const [i, a] of all.entries()) {
  const r = await runAssertion(a);
  const row = rows.get(a.suite) ?? { total: 0, ok: Object.fromEntries(ENGINE_IDS.map((e) => [e, 0])) };
  row.total++;
  for (const e of ENGINE_IDS) {
    if (holds(a, e, r[e])) row.ok[e]!++;
    else if (showFailures)
      console.log(
        `FAIL ${e} ${assertionId(a, i)} want ${a.violations}${a.message ? ` /${a.message}/` : ''}: ${r[e].outcome} ${JSON.stringify(r[e].messages)} ${r[e].error?.split('\n')[0] ?? ''}`,
      );
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
process.exit(0);
