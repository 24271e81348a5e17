import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { PolicyIR } from '@podsec/ir';

export const PODSEC_VERSION = '0.1.0';

// Templates are read once, at import, from the package's own folder.
const template = Handlebars.compile(readFileSync(new URL('../templates/header-hash.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});

/** Collapses anything that could end the comment line early (newlines in titles). */
const oneLine = (s: string) => s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]+/g, ' ');

/** The header every generated file starts with; `#` comments are valid in Rego and YAML alike. */
export function generatedHeader(ir: Pick<PolicyIR, 'name' | 'source' | 'title'>): string {
  return template({ version: PODSEC_VERSION, policy: ir.name, source: oneLine(ir.source), title: oneLine(ir.title) });
}
