import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { PolicyIR } from '@podsec/ir';
import { PODSEC_VERSION } from '../shared/header.js';
import type { GeneratedFile } from '../shared/output.js';
import { describeCheck } from './describe.js';

const template = Handlebars.compile(readFileSync(new URL('../templates/policy-doc.md.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: false });

/** Anchors of the controls on the Pod Security Standards page. */
const pssAnchor = (control: string) =>
  control
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** `docs/<policy>.md`: what the policy checks, where it applies and which files implement it. */
export function policyDoc(ir: PolicyIR, files: { target: string; file: string }[]): GeneratedFile {
  const ex = ir.exemptions;
  const exemptions = [
    ex.namespaces.length ? `namespaces ${ex.namespaces.join(', ')}` : '',
    ex.usernames.length ? `users ${ex.usernames.join(', ')}` : '',
    ex.runtimeClasses.length ? `runtime classes ${ex.runtimeClasses.join(', ')}` : '',
  ].filter(Boolean);
  const content = template({
    version: PODSEC_VERSION,
    name: ir.name,
    source: ir.source,
    title: ir.title,
    severity: ir.severity,
    mode: ir.mode,
    description: ir.description,
    pss: ir.pss && { ...ir.pss, levelsText: `level${ir.pss.levels.length > 1 ? 's' : ''} ${ir.pss.levels.join(' and ')}`, anchor: pssAnchor(ir.pss.control) },
    rules: ir.rules.map((r) => ({ id: r.id, message: r.message, when: r.when && describeCheck(r.when), require: describeCheck(r.require) })),
    kinds: ir.match.kinds.join(', '),
    operations: ir.match.operations.join(', '),
    namespacesInclude: ir.match.namespaces.include.join(', '),
    namespacesExclude: ir.match.namespaces.exclude.join(', '),
    exemptions: exemptions.join('; '),
    files,
  });
  return { path: `docs/${ir.name}.md`, content };
}
