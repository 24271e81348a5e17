/**
 * Validates emitted objects against a CRD's openAPIV3Schema with ajv, set up as
 * shared/schemas/README.md ("Validating emitted YAML with ajv") prescribes: x-kubernetes keywords
 * registered, `strictRequired: false`, the int32/int64/date-time formats, and the schema closed
 * (additionalProperties: false where it lists properties) so misspelt fields are caught.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { sharedDir } from '../../../../test/support/shared.js';

type Schema = Record<string, unknown>;

const KUBERNETES_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
];

function close(node: unknown, isMetadata = false): void {
  if (Array.isArray(node)) return node.forEach((n) => close(n));
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Schema;
  if (schema.properties && !('additionalProperties' in schema) && !schema['x-kubernetes-preserve-unknown-fields'] && !isMetadata) {
    schema.additionalProperties = false;
  }
  for (const [key, child] of Object.entries(schema)) {
    if (key === 'properties' && typeof child === 'object' && child !== null) {
      for (const [prop, sub] of Object.entries(child)) close(sub, prop === 'metadata');
    } else close(child);
  }
}

/** A validator for one served version of a CRD from shared/schemas. */
export function crdValidator(relativePath: string, version: string): ValidateFunction {
  const crd = parse(readFileSync(sharedDir('schemas', relativePath), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const served = crd.spec.versions.find((v) => v.name === version);
  if (!served) throw new Error(`${relativePath} serves no version ${version}`);
  const schema = structuredClone(served.schema.openAPIV3Schema);
  close(schema);
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, formats: { int32: true, int64: true, 'date-time': true } });
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['boolean', 'string', 'array', 'object'] });
  return ajv.compile(schema);
}
