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
import { messageTerm, namesContainers } from './messages.js';
import { indent, RegoEmitter } from './emitter.js';
import { compileError } from './errors.js';
import { snakeCase } from './identifiers.js';
import { layoutModule } from './layout.js';
import { regoComment, regoString, UnencodableStringError } from './strings.js';

const IMPORTS = ['contains', 'every', 'if', 'in'].map((k) => `import future.keywords.${k}`);

function policyComment(ir: PolicyIR): string[] {
  const lines = [
    ...(ir.description ? ['#', ...regoComment(ir.description)] : []),
    '#',
    `# Severity: ${ir.severity}. Mode: ${ir.mode} (Gatekeeper enforcementAction: ${ENFORCEMENT_ACTIONS[ir.mode]}).`,
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
    const require = named ? `${fn}(${podSpec(e)})` : head;
    const msg = messageTerm(e, rule, base, (spec) => `${fn}(${spec})`);
    const details = `{"policy": ${regoString(policyName)}, "rule": ${regoString(rule.id)}}`;
    placeViolation([
      `violation contains {"msg": msg, "details": ${details}} if {`,
      ...indent(['applies', ...(when ? [when] : []), `not ${require}`, `msg := ${msg}`]),
      '}',
    ]);
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

/** The module text: header, package, imports, then violations, rules, admission, readers, helpers. */
export function compileRegoModule(ir: PolicyIR, names: GeneratedNames): string {
  const e = new RegoEmitter();
  try {
    emitRules(e, ir, names.policy);
    emitAdmission(e, ir);
  } catch (err) {
    if (!(err instanceof UnencodableStringError)) throw err;
    throw compileError(ir, pathOfString(ir, err.value) ?? '(a string)', err.message, 'remove the unpaired surrogate (a broken \\uD8xx escape) from that text');
  }
  const head = [generatedHeader(ir).trimEnd(), ...policyComment(ir), '', `package ${names.regoPackage}`, '', ...IMPORTS].join('\n');
  return layoutModule(`${head}\n${e.render()}`);
}
