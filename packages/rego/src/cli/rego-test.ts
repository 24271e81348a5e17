// `podsec test rego [-v] [--run REGEX] FILES|DIRS…`: runs Rego unit tests like `opa test`. A test
// is a rule whose name starts with `test_`; it passes when it is defined and not false (OPA's rule),
// evaluated with no input and empty data. `todo_test_` rules are reported as skipped.
// Exit codes: 0 every test passed, 1 a test failed or errored, 2 usage or load errors (and no
// tests to run, so that a wrong path or --run never passes silently).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileRego } from '../compile-rego.js';
import type { RegoSource } from '../compile/compiler.js';
import { loadRegoPolicy } from '../load.js';
import { parseModule } from '../syntax/parser.js';
import type { Module } from '../syntax/ast.js';
import { type CommandIo, messageOf } from './rego-build.js';

const USAGE = 'usage: podsec test rego [-v] [--run REGEX] FILE.rego|DIR…';
const RULE = '-'.repeat(80);

interface TestCase {
  /** `data.pkg.test_x`, what --run matches and what is printed. */
  name: string;
  /** Entrypoint form, `pkg/test_x`. */
  entrypoint: string;
  file: string;
  skip: boolean;
}

type Outcome = { test: TestCase; status: 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED'; ms: number; detail?: string };

function regoFiles(arg: string, cwd: string): string[] {
  const path = resolve(cwd, arg);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`${arg}: no such file or directory`);
  }
  if (!st.isDirectory()) return [arg];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    if (name.startsWith('.')) continue;
    const child = join(arg, name);
    if (statSync(resolve(cwd, child)).isDirectory()) out.push(...regoFiles(child, cwd));
    else if (name.endsWith('.rego')) out.push(child);
  }
  return out;
}

function testsOf(m: Module): TestCase[] {
  const seen = new Set<string>();
  const out: TestCase[] = [];
  for (const r of m.rules) {
    const n = r.head.name;
    const skip = n.startsWith('todo_test_');
    if ((!n.startsWith('test_') && !skip) || r.head.args || r.head.key || seen.has(n)) continue;
    seen.add(n);
    out.push({ name: `data.${[...m.pkg, n].join('.')}`, entrypoint: [...m.pkg, n].join('/'), file: m.file, skip });
  }
  return out;
}

/** Defined and not false, as `opa test` decides. */
const passed = (rs: { result: unknown }[]) => rs.length > 0 && rs[0]!.result !== false;

async function runTests(sources: RegoSource[], tests: TestCase[]): Promise<Outcome[]> {
  const run = tests.filter((t) => !t.skip);
  const outcomes = new Map<TestCase, Outcome>();
  for (const t of tests) if (t.skip) outcomes.set(t, { test: t, status: 'SKIPPED', ms: 0 });
  const evaluate = async (group: TestCase[]) => {
    const compiled = compileRego(sources, { entrypoints: group.map((t) => t.entrypoint), onlyReachable: true });
    const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
    for (const t of group) {
      const t0 = performance.now();
      try {
        const ok = passed(policy.evaluate(undefined, t.entrypoint));
        outcomes.set(t, { test: t, status: ok ? 'PASS' : 'FAIL', ms: performance.now() - t0 });
      } catch (e) {
        outcomes.set(t, { test: t, status: 'ERROR', ms: performance.now() - t0, detail: messageOf(e) });
      }
    }
  };
  if (run.length > 0) {
    try {
      await evaluate(run);
    } catch {
      // One test outside the supported subset must not hide the others: compile them one by one.
      for (const t of run) {
        try {
          await evaluate([t]);
        } catch (e) {
          outcomes.set(t, { test: t, status: 'ERROR', ms: 0, detail: messageOf(e) });
        }
      }
    }
  }
  return tests.map((t) => outcomes.get(t)!);
}

const line = (o: Outcome) => `${o.test.name}: ${o.status}${o.status === 'SKIPPED' ? '' : ` (${o.ms.toFixed(3)}ms)`}${o.detail ? `\n  ${o.detail}` : ''}`;

export async function regoTestCommand(argv: string[], io: CommandIo): Promise<number> {
  let verbose = false;
  let filter: RegExp | undefined;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-r' || a === '--run') {
      const src = argv[++i];
      if (src === undefined) {
        io.stderr(`podsec test rego: --run needs a regular expression\n${USAGE}\n`);
        return 2;
      }
      try {
        filter = new RegExp(src);
      } catch (e) {
        io.stderr(`podsec test rego: --run ${src}: ${messageOf(e)}\n`);
        return 2;
      }
    } else if (a === '-h' || a === '--help') {
      io.stdout(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      io.stderr(`podsec test rego: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else args.push(a);
  }
  if (args.length === 0) {
    io.stderr(`podsec test rego: no Rego files given\n${USAGE}\n`);
    return 2;
  }
  let sources: RegoSource[];
  let tests: TestCase[];
  try {
    const files = [...new Set(args.flatMap((a) => regoFiles(a, io.cwd)))];
    if (files.length === 0) throw new Error(`no .rego files in ${args.join(', ')}`);
    sources = files.map((f) => ({ path: f, text: readFileSync(resolve(io.cwd, f), 'utf8') }));
    tests = sources.flatMap((s) => testsOf(parseModule(s.path, s.text)));
  } catch (e) {
    io.stderr(`podsec test rego: ${messageOf(e)}\n`);
    return 2;
  }
  if (tests.length === 0) {
    io.stderr(`podsec test rego: no test rules (test_*) in ${args.join(', ')}\n`);
    return 2;
  }
  if (filter) tests = tests.filter((t) => filter.test(t.name));
  if (tests.length === 0) {
    io.stderr(`podsec test rego: no test matches --run ${filter!.source}\n`);
    return 2;
  }
  const outcomes = await runTests(sources, tests);
  const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  const bad = outcomes.filter((o) => o.status === 'FAIL' || o.status === 'ERROR');
  if (verbose) {
    for (const file of [...new Set(outcomes.map((o) => o.test.file))]) {
      io.stdout(`${file}:\n`);
      for (const o of outcomes.filter((x) => x.test.file === file)) io.stdout(`${line(o)}\n`);
      io.stdout('\n');
    }
  } else if (bad.length > 0) {
    io.stdout(`FAILURES\n${RULE}\n${bad.map(line).join('\n')}\n\n`);
  }
  io.stdout(`${RULE}\n`);
  for (const status of ['PASS', 'FAIL', 'SKIPPED', 'ERROR'] as const) {
    const n = count(status);
    if (n > 0) io.stdout(`${status}: ${n}/${outcomes.length}\n`);
  }
  return bad.length > 0 ? 1 : 0;
}
