/** `podsec test kyverno DIR…` — the CLI entry point the lead wires into the `podsec` command. */
import { formatCase, formatSummary } from './report.js';
import { runKyvernoTests, type KyvernoTestOptions } from './runner.js';

/** The shape of the `podsec` CLI's IO (packages/cli/src/io.ts). */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const USAGE = `Usage: podsec test kyverno [--detailed-results] [--fail-only] <path...>

Runs Kyverno CLI test declarations (kyverno-test.yaml, searched recursively, .kyverno-test/ folders included)
with podsec's engines and compares every declared result, like \`kubectl kyverno test\`.

Options:
  --detailed-results  print the message of every failed row
  --fail-only         print only failed rows
  -h, --help          show this help
`;

const FLAGS = { '--detailed-results': 'detailedResults', '--fail-only': 'failOnly' } as const;

/** Exit code 0 when every declared result matched, 1 on any mismatch or unloadable test, 2 on usage errors. */
export async function testKyvernoCommand(argv: string[], io: CommandIO, options: Omit<KyvernoTestOptions, 'cwd'> = {}): Promise<number> {
  const flags = { detailedResults: false, failOnly: false };
  const paths: string[] = [];
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      io.stdout(USAGE);
      return 0;
    }
    if (arg in FLAGS) flags[FLAGS[arg as keyof typeof FLAGS]] = true;
    else if (arg.startsWith('-')) {
      io.stderr(`error: unknown option '${arg}'\n\n${USAGE}`);
      return 2;
    } else paths.push(arg);
  }
  if (paths.length === 0) {
    io.stderr(`error: missing <path>: pass a folder containing kyverno-test.yaml files\n\n${USAGE}`);
    return 2;
  }
  let report;
  try {
    report = runKyvernoTests(paths, { ...options, cwd: io.cwd });
  } catch (e) {
    io.stderr(`Error: ${(e as Error).message}\n`);
    return 2;
  }
  if (report.cases.length === 0) io.stdout('No test yamls available\n');
  for (const c of report.cases) {
    const shown = flags.failOnly ? { ...c, rows: c.rows.filter((r) => !r.ok) } : c;
    if (flags.failOnly && shown.rows.length === 0 && !c.error) continue;
    io.stdout(`${formatCase(shown, flags.detailedResults)}\n`);
  }
  io.stdout(formatSummary(report));
  return report.failed > 0 || report.errors > 0 ? 1 : 0;
}
