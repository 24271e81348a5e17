/** `kyverno test`-style output: one table per test file (ID, policy, rule, resource, result, reason), then the summary. */
import type { KyvernoTestCase, KyvernoTestReport, KyvernoTestRow } from './runner.js';

const HEADERS = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'] as const;

function cells(r: KyvernoTestRow): string[] {
  const resource = `${r.apiVersion}/${r.kind}/${r.namespace}/${r.name}`;
  return [String(r.id), r.policy, r.rule, resource, r.ok ? 'Pass' : 'Fail', r.reasonText];
}

export function formatTable(rows: readonly KyvernoTestRow[]): string {
  const table = [HEADERS as readonly string[], ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => `│ ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [rule('┌', '┬', '┐'), line(HEADERS), rule('├', '┼', '┤'), ...table.slice(1).map(line), rule('└', '┴', '┘')].join('\n');
}

export function formatCase(c: KyvernoTestCase, detailed: boolean): string {
  const head = `Loading test ${c.name || '(unnamed)'} ( ${c.file} ) ...`;
  if (c.error) return `${head}\n  Error: ${c.error}\n`;
  const out = [head, '  Checking results ...', '', formatTable(c.rows)];
  if (detailed) {
    for (const r of c.rows.filter((x) => !x.ok)) {
      out.push(`  ${r.id}. ${r.message}${r.path ? ` (path ${r.path})` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatSummary(report: KyvernoTestReport): string {
  const errors = report.errors > 0 ? `\n${report.errors} test file(s) could not be run` : '';
  return `\nTest Summary: ${report.passed} tests passed and ${report.failed} tests failed${errors}\n`;
}
