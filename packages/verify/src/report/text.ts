/** The terminal report: a summary table, then every disagreement with its object and verdicts. */
import type { VerifyResult } from '../verify.js';
import { disagreementDetails, disagreementTitle } from './describe.js';
import { verifyPassed } from './json.js';
import { buildMatrix, type Cell, disagreementNote, NOT_RUN, summed } from './matrix.js';

function cellText(c: Cell): string {
  switch (c.status) {
    case 'not run':
      return 'not run';
    case 'empty':
      return '-';
    case 'agree':
      return `ok ${c.evaluated}`;
    case 'disagree':
      return `FAIL ${c.disagree}/${c.evaluated}${disagreementNote(c)}`;
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderText(result: VerifyResult): string {
  const m = buildMatrix(result);
  const out: string[] = [];
  out.push(
    table(
      ['policy', ...m.columns],
      m.rows.map((r) => [r, ...m.columns.map((c) => cellText(m.cell(r, c)))]),
    ),
  );
  out.push('');
  // The total row is the sum the closing summary line quotes, so the two always agree.
  const total = (c: (typeof m.columns)[number]) => {
    const cells = m.groups.map((g) => m.groupCell(c, g));
    return cellText(cells.some((x) => x.status === 'not run') ? NOT_RUN : summed(cells));
  };
  out.push(
    table(
      ['fixture group', ...m.columns],
      [...m.groups.map((g) => [g, ...m.columns.map((c) => cellText(m.groupCell(c, g)))]), ['total', ...m.columns.map(total)]],
    ),
  );
  const described = result.engines.filter((e) => e.description);
  if (described.length) out.push('', ...described.map((e) => `${e.id}: ${e.description}`));
  if (result.samples.length)
    out.push(
      '',
      'messages on violation (one per violated rule, the same in every engine; a sample each):',
      ...result.samples.map((s) => `  ${s.policy}/${s.rule}: ${s.message}`),
    );
  const notRun = result.engines.filter((e) => e.status === 'not run').map((e) => e.id);
  if (notRun.length) out.push('', `not run (no engine adapter registered): ${notRun.join(', ')}`);
  if (result.random)
    out.push('', `random: ${result.random.runs} objects, seed ${result.random.seed} (rerun with --random ${result.random.runs} --seed ${result.random.seed})`);
  result.disagreements.forEach((d, i) => {
    out.push('', `#${i + 1} ${disagreementTitle(d)}`, disagreementDetails(d).replace(/^/gm, '  '));
  });
  const t = result.totals;
  const run = result.engines.filter((e) => e.status === 'run').length;
  const engineTotals = result.engines.filter((e) => e.status === 'run').map((e) => m.groups.reduce((n, g) => n + m.groupCell(e.id, g).evaluated, 0));
  const same = engineTotals.length > 0 && engineTotals.every((n) => n === engineTotals[0]) && engineTotals[0]! * run === t.evaluations;
  const perEngine = same ? ` (${engineTotals[0]} per engine: the total row above)` : '';
  out.push(
    '',
    `${verifyPassed(result) ? 'OK' : 'FAILED'}: ${t.fixtures} fixtures, ${t.evaluations} engine evaluations${perEngine}, ${t.disagreements} disagreement(s)${run ? '' : ', no engine was run'}.`,
  );
  return `${out.join('\n')}\n`;
}
