/**
 * JUnit XML: one test suite per engine, one test case per policy × fixture group. A case fails
 * when any fixture in it disagrees; an engine without an adapter is `<skipped>`, never a pass.
 * Everything is escaped, so arbitrary policy messages and objects still give well-formed XML.
 */
import type { Disagreement, VerifyResult } from '../verify.js';
import { disagreementDetails, disagreementTitle } from './describe.js';
import { buildMatrix, type Cell } from './matrix.js';
import { escapeAttr, escapeText } from './xml.js';

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');

function failureNote(c: Cell): string {
  const parts = [c.errors ? `${c.errors} engine errors` : '', c.messages ? `${c.messages} message mismatches` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function renderJunit(result: VerifyResult): string {
  const m = buildMatrix(result);
  const byCell = new Map<string, Disagreement[]>();
  for (const d of result.disagreements)
    for (const e of d.engines) {
      const key = `${d.policy}\0${e}\0${d.fixture.group}`;
      (byCell.get(key) ?? byCell.set(key, []).get(key)!).push(d);
    }
  const suites: string[] = [];
  let allTests = 0;
  let allFailures = 0;
  let allSkipped = 0;
  for (const engine of m.columns) {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const row of m.rows)
      for (const group of m.groups) {
        const cell = m.cell(row, engine, group);
        const name = `${row} [${group}]`;
        if (cell.status === 'empty') continue;
        const open = `    <testcase${attrs({ classname: `podsec.verify.${engine}.${row}`, name, assertions: cell.evaluated })}`;
        if (cell.status === 'not run') {
          skipped++;
          cases.push(`${open}>\n      <skipped${attrs({ message: `engine ${engine} was not run: no adapter is registered` })}/>\n    </testcase>`);
        } else if (cell.status === 'disagree') {
          failures++;
          const ds = byCell.get(`${row}\0${engine}\0${group}`) ?? [];
          const body = ds.map((d) => `${disagreementTitle(d)}\n${disagreementDetails(d)}`).join('\n\n');
          cases.push(
            `${open}>\n      <failure${attrs({ message: `${cell.disagree} of ${cell.evaluated} fixtures disagree${failureNote(cell)}`, type: 'disagreement' })}>${escapeText(body)}</failure>\n    </testcase>`,
          );
        } else cases.push(`${open}/>`);
      }
    if (m.notRun.has(engine) && cases.length === 0) {
      skipped++;
      cases.push(
        `    <testcase${attrs({ classname: `podsec.verify.${engine}`, name: 'all policies' })}>\n      <skipped${attrs({ message: `engine ${engine} was not run: no adapter is registered` })}/>\n    </testcase>`,
      );
    }
    allTests += cases.length;
    allFailures += failures;
    allSkipped += skipped;
    suites.push(
      `  <testsuite${attrs({ name: `podsec verify: ${engine}`, tests: cases.length, failures, errors: 0, skipped })}>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'podsec verify', tests: allTests, failures: allFailures, errors: 0, skipped: allSkipped })}>\n${suites.join('\n')}\n</testsuites>\n`;
}
