/**
 * A ConstraintTemplate and a Constraint as Gatekeeper reads them: the template's Rego (with its
 * libs) and constraint kind; the constraint's match, parameters and enforcement action. Every
 * error names the file, the path inside it and what to write instead.
 */
import { SUPPORTED_MATCH_FIELDS, type Match } from './match.js';

export class GatekeeperArtifactError extends Error {
  override name = 'GatekeeperArtifactError';
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface TemplateSource {
  file: string;
  /** Where the Rego sits in the template, e.g. `spec.targets[0].rego`. */
  at: string;
  rego: string;
  libs: string[];
  packageName: string;
  constraintKind: string;
}

export interface ScopedEnforcementAction {
  action: string;
  enforcementPoints: { name: string }[];
}

export interface ConstraintSource {
  file: string;
  kind: string;
  name: string;
  match: Match | undefined;
  parameters: unknown;
  /** As written; Gatekeeper's default is `deny`. */
  enforcementAction: string;
  scopedEnforcementActions: ScopedEnforcementAction[];
}

function str(v: unknown, file: string, path: string, fix: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new GatekeeperArtifactError(`${file}: ${path}: expected a non-empty string; ${fix}`);
  return v;
}

export function parseConstraintTemplate(t: Obj, file: string): TemplateSource {
  if (t.kind !== 'ConstraintTemplate') throw new GatekeeperArtifactError(`${file}: kind: expected ConstraintTemplate, got ${JSON.stringify(t.kind)}`);
  const spec = isObj(t.spec) ? t.spec : {};
  const crdKind = isObj(spec.crd) && isObj(spec.crd.spec) && isObj(spec.crd.spec.names) ? spec.crd.spec.names.kind : undefined;
  const constraintKind = str(crdKind, file, 'spec.crd.spec.names.kind', 'name the constraint kind the template defines');
  const targets = Array.isArray(spec.targets) ? spec.targets : [];
  const target = targets[0];
  if (!isObj(target)) throw new GatekeeperArtifactError(`${file}: spec.targets[0]: missing; add a target admission.k8s.gatekeeper.sh with rego`);
  // Rego sits either in `rego`/`libs` or, in newer templates, in a `code` entry with engine Rego
  // (beside K8sNativeValidation CEL). Gatekeeper's Rego engine evaluates that source, and so do we.
  let source: Obj = target;
  let at = 'spec.targets[0]';
  if (target.rego === undefined && Array.isArray(target.code)) {
    const i = target.code.findIndex((c) => isObj(c) && c.engine === 'Rego');
    const entry = target.code[i] as unknown;
    if (i < 0 || !isObj(entry) || !isObj(entry.source)) {
      throw new GatekeeperArtifactError(`${file}: spec.targets[0].code: unsupported: no entry with engine: Rego (only CEL); podsec runs Rego`);
    }
    source = entry.source;
    at = `spec.targets[0].code[${i}].source`;
  }
  const rego = str(source.rego, file, `${at}.rego`, 'put the policy Rego under rego:');
  const libs = Array.isArray(source.libs) ? source.libs.map((l, i) => str(l, file, `${at}.libs[${i}]`, 'libs are Rego module strings')) : [];
  const pkg = /^\s*package\s+([A-Za-z_][\w.]*)/m.exec(rego);
  if (!pkg) throw new GatekeeperArtifactError(`${file}: ${at}.rego: no "package" line found`);
  checkLibs(file, at, rego, libs);
  return { file, at: `${at}.rego`, rego, libs, packageName: pkg[1]!, constraintKind };
}

/**
 * `data` roots a template may read without defining them: its libs and the synced inventory
 * (Gatekeeper's externs). Gatekeeper refuses anything else when the template is created.
 */
const DATA_ROOTS = ['lib', 'inventory'];

const codeOf = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');

/**
 * The rules Gatekeeper (frameworks' regorewriter) applies to a template's Rego and libs: every lib
 * declares a package under `lib` (the template imports it as `data.lib.<name>`), and no module
 * reads `data` outside `data.lib` and `data.inventory`.
 */
function checkLibs(file: string, at: string, rego: string, libs: readonly string[]): void {
  libs.forEach((lib, i) => {
    const pkg = /^\s*package\s+([A-Za-z_][\w.]*)/m.exec(lib)?.[1];
    if (pkg === undefined) throw new GatekeeperArtifactError(`${file}: ${at}.libs[${i}]: no "package" line found; a lib declares package lib.<name>`);
    if (pkg !== 'lib' && !pkg.startsWith('lib.')) {
      throw new GatekeeperArtifactError(
        `${file}: ${at}.libs[${i}]: package ${pkg} is not under lib; Gatekeeper only admits libs in packages lib.<name>. Fix: declare package lib.${pkg} and import it as data.lib.${pkg}`,
      );
    }
  });
  [rego, ...libs].forEach((text, i) => {
    const where = i === 0 ? `${at}.rego` : `${at}.libs[${i - 1}]`;
    for (const m of codeOf(text).matchAll(/(?<![\w.])data\s*(?:\.\s*([A-Za-z_]\w*)|\[)/g)) {
      if (m[1] !== undefined && DATA_ROOTS.includes(m[1])) continue;
      throw new GatekeeperArtifactError(
        `${file}: ${where}: reads ${m[0]}…; Gatekeeper only lets a template read data.lib.* (its libs) and data.inventory. Fix: move the rules into a lib (package lib.<name>) or read them from input`,
      );
    }
  });
}

function scopedActions(v: unknown, file: string): ScopedEnforcementAction[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new GatekeeperArtifactError(`${file}: spec.scopedEnforcementActions: expected a list of {action, enforcementPoints}`);
  return v.map((s, i) => {
    const at = `spec.scopedEnforcementActions[${i}]`;
    if (!isObj(s)) throw new GatekeeperArtifactError(`${file}: ${at}: expected a mapping`);
    const action = str(s.action, file, `${at}.action`, 'use deny, warn or dryrun');
    const points = Array.isArray(s.enforcementPoints) ? s.enforcementPoints : [];
    return {
      action,
      enforcementPoints: points.map((p, j) => ({
        name: str(isObj(p) ? p.name : undefined, file, `${at}.enforcementPoints[${j}].name`, 'name an enforcement point or "*"'),
      })),
    };
  });
}

export function parseConstraint(c: Obj, file: string, kind: string): ConstraintSource {
  if (c.kind !== kind) throw new GatekeeperArtifactError(`${file}: kind: expected ${kind} (the template's constraint kind), got ${JSON.stringify(c.kind)}`);
  const spec = isObj(c.spec) ? c.spec : {};
  const meta = isObj(c.metadata) ? c.metadata : {};
  let match: Match | undefined;
  if (spec.match !== undefined) {
    if (!isObj(spec.match)) throw new GatekeeperArtifactError(`${file}: spec.match: expected a mapping`);
    for (const k of Object.keys(spec.match)) {
      if (!SUPPORTED_MATCH_FIELDS.includes(k))
        throw new GatekeeperArtifactError(`${file}: spec.match.${k}: unsupported by podsec (supported: ${SUPPORTED_MATCH_FIELDS.join(', ')})`);
    }
    match = spec.match as Match;
  }
  const action =
    spec.enforcementAction === undefined ? 'deny' : str(spec.enforcementAction, file, 'spec.enforcementAction', 'use deny, warn, dryrun or scoped');
  return {
    file,
    kind,
    name: typeof meta.name === 'string' ? meta.name : '',
    match,
    parameters: spec.parameters ?? {},
    enforcementAction: action,
    scopedEnforcementActions: scopedActions(spec.scopedEnforcementActions, file),
  };
}
