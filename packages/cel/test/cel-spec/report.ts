/** Prints per-suite cel-spec pass counts: `pnpm exec tsx packages/cel/test/cel-spec/report.ts [--failures] [--library] [--all | suite…] | --write (CONFORMANCE.md)`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConformance } from './render.js';
import { allSuites, KUBERNETES_SUITES, runConformance } from './runner.js';

if (process.argv.includes('--write')) {
  const file = fileURLToPath(new URL('../../CONFORMANCE.md', import.meta.url));
  writeFileSync(file, renderConformance(runConformance(KUBERNETES_SUITES), runConformance(KUBERNETES_SUITES, 'library')));
  console.log(`wrote ${file}`);
  process.exit(0);
}

const args = process.argv.slice(2);
const showFailures = args.includes('--failures');
const named = args.filter((a) => !a.startsWith('--'));
const suites = named.length ? named : args.includes('--all') ? allSuites() : [...KUBERNETES_SUITES];
const results = runConformance(suites, args.includes('--library') ? 'library' : 'podsec');
let pass = 0;
let run = 0;
let proto = 0;
for (const suite of suites) {
  const rs = results.filter((r) => r.suite === suite);
  const p = rs.filter((r) => r.outcome === 'pass').length;
  const pb = rs.filter((r) => r.outcome === 'protobuf').length;
  pass += p;
  run += rs.length - pb;
  proto += pb;
  console.log(`${suite.padEnd(14)} ${String(p).padStart(4)}/${String(rs.length - pb).padEnd(4)} protobuf skipped ${pb}`);
}
console.log(`${'total'.padEnd(14)} ${String(pass).padStart(4)}/${String(run).padEnd(4)} protobuf skipped ${proto}`);
if (showFailures) for (const r of results) if (r.outcome === 'fail') console.log(`FAIL ${r.id}\n     ${r.expr}\n     ${r.detail}`);
