/**
 * The Rego module of one policy. It parses on OPA v1 and on OPA 0.x (keywords imported from
 * `future.keywords`, never `import rego.v1`), stays inside the Rego subset packages/rego
 * compiles to Wasm, and reads Gatekeeper's input, so the same text serves `opa eval`, opa-wasm
 * and a ConstraintTemplate.
 */
import type { PolicyIR } from '@podsec/ir';
import { generatedHeader } from '../shared/header.js';
import type { GeneratedNames } from '../shared/names.js';
import { ENFORCEMENT_ACTIONS } from '../shared/enforcement.js';
import { emitAdmission } from './admission.js';
import { compileCheck, podSpec, specBinding } from './checks.js';
import { namesContainers, violationBody } from './messages.js';
import { HELPER_LIB_ALIAS, HELPER_LIB_PACKAGE, indent, RegoEmitter, type HelperPlacement } from './emitter.js';
import { compileError } from './errors.js';
import { snakeCase } from './identifiers.js';
import { layoutModule } from './layout.js';
import { regoComment, regoString, UnencodableStringError } from './strings.js';

const IMPORTS = ['contains', 'every', 'if', 'in'].map((k) => `import future.keywords.${k}`);

function policyComment(ir: PolicyIR): string[] {
  const lines = [
    ...(ir.description ? ['#', ...regoComment(ir.description)] : []),
    '#',
    // An instance of a shared template (explicit constraint kind): the action is each Constraint's, not the module's.
    ir.constraintKind
      ? `# Severity: ${ir.severity}. Mode: each ${ir.constraintKind} Constraint's spec.enforcementAction.`
      : `# Severity: ${ir.severity}. Mode: ${ir.mode} (Gatekeeper enforcementAction: ${ENFORCEMENT_ACTIONS[ir.mode]}).`,
  ];
  if (ir.pss) {
    lines.push(
      ...regoComment(
        `Pod Security Standards control "${ir.pss.control}" (PSA check ${ir.pss.check}; ${ir.pss.levels.join(', ')}; as of PSA ${ir.pss.version}).`,
      ),
    );
  }
  return lines;
}

function emitRules(e: RegoEmitter, ir: PolicyIR, policyName: string): void {
  ir.rules.forEach((rule, i) => {
    const base = snakeCase(rule.id);
    const at = `rules[${i}]`;
    const placeViolation = e.slot('violations');
    const when = rule.when ? compileCheck(e, rule.when, `${base}_when`, { ir, at: `${at}.when` }) : undefined;
    const named = namesContainers(rule);
    const head = compileCheck(e, rule.require, `${base}_require`, { ir, at: `${at}.require`, ...(named ? { bindings: specBinding() } : {}) });
    const fn = named ? head.slice(0, head.indexOf('(')) : head;
    const onPod = named ? `${fn}(${podSpec(e)})` : head;
    const body = violationBody(e, rule, base, onPod, (spec) => `${fn}(${spec})`);
    const details = `{"policy": ${regoString(policyName)}, "rule": ${regoString(rule.id)}}`;
    placeViolation([`violation contains {"msg": msg, "details": ${details}} if {`, ...indent(['applies', ...(when ? [when] : []), ...body]), '}']);
  });
}

/** Where `value` occurs in the IR (as a value or a key), as a readable path. */
function pathOfString(node: unknown, value: string, at = ''): string | undefined {
  if (node === value) return at || '/';
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [k, v] of Object.entries(node)) {
    const here = Array.isArray(node) ? `${at}[${k}]` : at ? `${at}.${k}` : k;
    if (k === value) return here;
    const found = pathOfString(v, value, here);
    if (found) return found;
  }
  return undefined;
}

/** A policy's Rego: its module and, when helpers live in a library, the library's module. */
export interface RegoSources {
  module: string;
  libs: string[];
}

/**
 * The module text: header, package, imports, then violations, rules, admission, readers and
 * helpers; with `placement: 'lib'` the helpers form a second module, `package lib.podsec`, that
 * the first imports (a ConstraintTemplate's `libs`).
 */
export function compileRegoSources(ir: PolicyIR, names: GeneratedNames, placement: HelperPlacement = 'inline'): RegoSources {
  const e = new RegoEmitter(placement);
  try {
    emitRules(e, ir, names.policy);
    emitAdmission(e, ir);
  } catch (err) {
    if (!(err instanceof UnencodableStringError)) throw err;
    throw compileError(ir, pathOfString(ir, err.value) ?? '(a string)', err.message, 'remove the unpaired surrogate (a broken \\uD8xx escape) from that text');
  }
  const lib = placement === 'lib' && e.usesHelpers;
  const imports = [...IMPORTS, ...(lib ? ['', `import data.${HELPER_LIB_PACKAGE}`] : [])];
  const head = [generatedHeader(ir).trimEnd(), ...policyComment(ir), '', `package ${names.regoPackage}`, '', ...imports].join('\n');
  const module = layoutModule(`${head}\n${e.render()}`);
  if (!lib) return { module, libs: [] };
  const libHead: string[] = [
    `# podsec's helpers: generic functions the template calls as ${HELPER_LIB_ALIAS}.<name>. Every podsec`,
    '# template that uses a helper carries the same definition of it in this library.',
    '',
    `package ${HELPER_LIB_PACKAGE}`,
    '',
  ];
  const helpers = e.render(['helpers']);
  // Only the keywords the helpers use (`contains` heads only a module's violation set).
  const libImports = IMPORTS.filter((line) => new RegExp(`(^|\\s)${line.split('.').pop()}\\s`, 'm').test(helpers));
  return { module, libs: [layoutModule(`${[...libHead, ...libImports].join('\n')}\n${helpers}`)] };
}

/** The standalone module of the Rego target (helpers inline: one file `opa eval -d` takes alone). */
export function compileRegoModule(ir: PolicyIR, names: GeneratedNames): string {
  return compileRegoSources(ir, names).module;
}
