// Loads and validates a Gatekeeper `gator verify` Suite and the files it references.
// Every error names the file, the path inside it, and what to write instead.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseGoYaml } from '@podsec/yaml';
import { SUPPORTED_MATCH_FIELDS, type Match } from './match.js';

export class SuiteError extends Error {
  override name = 'SuiteError';
}

export type ViolationsAssertion = 'yes' | 'no' | number;

export interface SuiteCase {
  name: string;
  object: Record<string, unknown>;
  objectFile: string;
  /** Objects Gatekeeper would have synced into data.inventory (referential constraints). */
  inventory: Record<string, unknown>[];
  assertions: { violations: ViolationsAssertion; message?: RegExp }[];
}

export interface SuiteTest {
  name: string;
  templateFile: string;
  rego: string;
  libs: string[];
  packageName: string;
  constraintKind: string;
  match: Match | undefined;
  parameters: unknown;
  cases: SuiteCase[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function loadYamlDocs(file: string): Obj[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SuiteError(`${file}: cannot read file; check the path in the suite`);
  }
  const out: Obj[] = [];
  // gator reads with Go's YAML parser: what it accepts beyond YAML 1.2 loads, with a warning.
  let docs: { value: unknown }[];
  try {
    docs = parseGoYaml(text, file, { yaml11: false });
  } catch (e) {
    throw new SuiteError((e as Error).message);
  }
  docs.forEach(({ value: v }, i) => {
    if (v === null || v === undefined) return;
    if (!isObj(v)) throw new SuiteError(`${file}: document ${i + 1}: expected a YAML mapping at the top level`);
    out.push(v);
  });
  return out;
}

function loadYaml(file: string): Obj {
  const docs = loadYamlDocs(file);
  if (docs.length === 0) throw new SuiteError(`${file}: invalid YAML: empty document`);
  if (docs.length > 1) throw new SuiteError(`${file}: holds ${docs.length} YAML documents; gator test files hold one object each`);
  return docs[0]!;
}

function str(v: unknown, file: string, path: string, fix: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new SuiteError(`${file}: ${path}: expected a non-empty string; ${fix}`);
  return v;
}

function loadTemplate(file: string): Pick<SuiteTest, 'rego' | 'libs' | 'packageName' | 'constraintKind'> {
  const t = loadYaml(file);
  if (t.kind !== 'ConstraintTemplate') throw new SuiteError(`${file}: kind: expected ConstraintTemplate, got ${JSON.stringify(t.kind)}`);
  const spec = isObj(t.spec) ? t.spec : {};
  const crdKind = isObj(spec.crd) && isObj(spec.crd.spec) && isObj(spec.crd.spec.names) ? spec.crd.spec.names.kind : undefined;
  const constraintKind = str(crdKind, file, 'spec.crd.spec.names.kind', 'name the constraint kind the template defines');
  const targets = Array.isArray(spec.targets) ? spec.targets : [];
  const target = targets[0];
  if (!isObj(target)) throw new SuiteError(`${file}: spec.targets[0]: missing; add a target admission.k8s.gatekeeper.sh with rego`);
  // Rego sits either in `rego`/`libs` or, in newer templates, in a `code` entry with engine Rego
  // (beside K8sNativeValidation CEL). Gatekeeper's Rego engine evaluates that source, and so do we.
  let source: Obj = target;
  let at = 'spec.targets[0]';
  if (target.rego === undefined && Array.isArray(target.code)) {
    const i = target.code.findIndex((c) => isObj(c) && c.engine === 'Rego');
    const entry = target.code[i] as unknown;
    if (i < 0 || !isObj(entry) || !isObj(entry.source)) {
      throw new SuiteError(`${file}: spec.targets[0].code: unsupported: no entry with engine: Rego (only CEL); podsec test gator runs Rego`);
    }
    source = entry.source;
    at = `spec.targets[0].code[${i}].source`;
  }
  const rego = str(source.rego, file, `${at}.rego`, 'put the policy Rego under rego:');
  const libs = Array.isArray(source.libs) ? source.libs.map((l, i) => str(l, file, `${at}.libs[${i}]`, 'libs are Rego module strings')) : [];
  const pkg = /^\s*package\s+([A-Za-z_][\w.]*)/m.exec(rego);
  if (!pkg) throw new SuiteError(`${file}: spec.targets[0].rego: no "package" line found`);
  return { rego, libs, packageName: pkg[1]!, constraintKind };
}

function loadConstraint(file: string, kind: string): Pick<SuiteTest, 'match' | 'parameters'> {
  const c = loadYaml(file);
  if (c.kind !== kind) throw new SuiteError(`${file}: kind: expected ${kind} (the template's constraint kind), got ${JSON.stringify(c.kind)}`);
  const spec = isObj(c.spec) ? c.spec : {};
  let match: Match | undefined;
  if (spec.match !== undefined) {
    if (!isObj(spec.match)) throw new SuiteError(`${file}: spec.match: expected a mapping`);
    for (const k of Object.keys(spec.match)) {
      if (!SUPPORTED_MATCH_FIELDS.includes(k))
        throw new SuiteError(`${file}: spec.match.${k}: unsupported by podsec test gator (supported: ${SUPPORTED_MATCH_FIELDS.join(', ')})`);
    }
    match = spec.match as Match;
  }
  return { match, parameters: spec.parameters ?? {} };
}

function violationsOf(v: unknown, file: string, path: string): ViolationsAssertion {
  if (v === 'yes' || v === 'no') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw new SuiteError(`${file}: ${path}: expected yes, no or a non-negative integer, got ${JSON.stringify(v)}`);
}

export function loadSuite(suiteFile: string): { name: string; tests: SuiteTest[] } {
  const suite = loadYaml(suiteFile);
  if (suite.kind !== 'Suite') throw new SuiteError(`${suiteFile}: kind: expected Suite, got ${JSON.stringify(suite.kind)}`);
  const base = dirname(suiteFile);
  const testsRaw = suite.tests;
  if (!Array.isArray(testsRaw)) throw new SuiteError(`${suiteFile}: tests: expected a list of tests`);
  const tests = testsRaw.map((t: unknown, i): SuiteTest => {
    const at = `tests[${i}]`;
    if (!isObj(t)) throw new SuiteError(`${suiteFile}: ${at}: expected a mapping`);
    if (t.inventory !== undefined) throw new SuiteError(`${suiteFile}: ${at}.inventory: unsupported (referential constraints need data.inventory); remove it`);
    const templateFile = resolve(base, str(t.template, suiteFile, `${at}.template`, 'give the ConstraintTemplate file'));
    const tpl = loadTemplate(templateFile);
    const constraintFile = resolve(base, str(t.constraint, suiteFile, `${at}.constraint`, 'give the constraint file'));
    const con = loadConstraint(constraintFile, tpl.constraintKind);
    const casesRaw = Array.isArray(t.cases) ? t.cases : [];
    const cases = casesRaw.map((c: unknown, j): SuiteCase => {
      const cat = `${at}.cases[${j}]`;
      if (!isObj(c)) throw new SuiteError(`${suiteFile}: ${cat}: expected a mapping`);
      const objectFile = resolve(base, str(c.object, suiteFile, `${cat}.object`, 'give the file of the object under review'));
      const assertionsRaw = Array.isArray(c.assertions) ? c.assertions : [];
      if (assertionsRaw.length === 0) throw new SuiteError(`${suiteFile}: ${cat}.assertions: give at least one assertion such as "- violations: no"`);
      const assertions = assertionsRaw.map((a: unknown, k) => {
        const aat = `${cat}.assertions[${k}]`;
        if (!isObj(a)) throw new SuiteError(`${suiteFile}: ${aat}: expected a mapping`);
        const out: { violations: ViolationsAssertion; message?: RegExp } = { violations: violationsOf(a.violations ?? 'yes', suiteFile, `${aat}.violations`) };
        if (a.message !== undefined) {
          const msg = str(a.message, suiteFile, `${aat}.message`, 'message is a regular expression');
          try {
            out.message = new RegExp(msg);
          } catch (e) {
            throw new SuiteError(`${suiteFile}: ${aat}.message: invalid regular expression: ${(e as Error).message}`);
          }
        }
        return out;
      });
      const inventoryFiles = Array.isArray(c.inventory) ? c.inventory : c.inventory === undefined ? [] : null;
      if (!inventoryFiles) throw new SuiteError(`${suiteFile}: ${cat}.inventory: expected a list of files`);
      const inventory = inventoryFiles.flatMap((f, k) =>
        loadYamlDocs(resolve(base, str(f, suiteFile, `${cat}.inventory[${k}]`, 'give the file of an inventory object'))),
      );
      return { name: typeof c.name === 'string' ? c.name : `case ${j}`, object: loadYaml(objectFile), objectFile, inventory, assertions };
    });
    return { name: typeof t.name === 'string' ? t.name : `test ${i}`, templateFile, ...tpl, ...con, cases };
  });
  const meta = isObj(suite.metadata) ? suite.metadata : {};
  return { name: typeof meta.name === 'string' ? meta.name : suiteFile, tests };
}
