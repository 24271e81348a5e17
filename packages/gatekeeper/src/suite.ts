// Loads and validates a Gatekeeper `gator verify` Suite and the files it references.
// Every error names the file, the path inside it, and what to write instead.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseGoYaml } from '@podsec/yaml';
import { GatekeeperArtifactError, parseConstraint, parseConstraintTemplate, type ConstraintSource, type TemplateSource } from './artifacts.js';

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
  template: TemplateSource;
  constraint: ConstraintSource;
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

/** A template or constraint file: one object, parsed as Gatekeeper reads it; errors surface as SuiteError. */
function loadArtifact<T>(file: string, parse: (doc: Obj, file: string) => T): T {
  const doc = loadYaml(file);
  try {
    return parse(doc, file);
  } catch (e) {
    if (e instanceof GatekeeperArtifactError) throw new SuiteError(e.message);
    throw e;
  }
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
    const template = loadArtifact(templateFile, parseConstraintTemplate);
    const constraintFile = resolve(base, str(t.constraint, suiteFile, `${at}.constraint`, 'give the constraint file'));
    const constraint = loadArtifact(constraintFile, (doc, file) => parseConstraint(doc, file, template.constraintKind));
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
    return { name: typeof t.name === 'string' ? t.name : `test ${i}`, template, constraint, cases };
  });
  const meta = isObj(suite.metadata) ? suite.metadata : {};
  return { name: typeof meta.name === 'string' ? meta.name : suiteFile, tests };
}
