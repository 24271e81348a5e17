/**
 * Drop-in compatibility of the generated ConstraintTemplates with gatekeeper-library's: for each of
 * the 19 templates, podsec's template defines the upstream constraint kind (and template name),
 * its openAPIV3Schema accepts the parameters of every upstream sample Constraint, and it declares
 * every parameter the upstream schema declares, with the same type, down to nested fields.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { buildPolicies, TARGETS } from '@podsec/compilers';
import { pspPolicy } from '@podsec/psp-library';
import { pspAssertions, pspFile } from './support/psp-conformance.js';

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema };
type Template = { metadata: { name: string }; spec: { crd: { spec: { names: { kind: string }; validation?: { openAPIV3Schema?: Schema } } } } };

const suites = [...new Set(pspAssertions().map((a) => a.suite))];

/** Every `path: type` an OpenAPI schema declares. */
function typedPaths(s: Schema | undefined, at = ''): string[] {
  if (!s) return [];
  const here = at && s.type ? [`${at}: ${s.type}`] : [];
  const props = Object.entries(s.properties ?? {}).flatMap(([k, v]) => typedPaths(v, at ? `${at}.${k}` : k));
  return [...here, ...props, ...(s.items ? typedPaths(s.items, `${at}[]`) : [])];
}

function samplesOf(suite: string): { file: string; doc: { kind: string; spec?: { parameters?: unknown } } }[] {
  const dir = pspFile(`${suite}/samples`);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJS() as { kind: string })
        .filter((d) => d?.kind?.startsWith('K8sPSP'))
        .map((doc) => ({ file: `${suite}/samples/${f}`, doc })),
    );
}

describe.each(suites)('%s: podsec’s ConstraintTemplate is a drop-in for upstream’s', (suite) => {
  const upstream = parse(readFileSync(pspFile(`${suite}/template-schema.yaml`), 'utf8')) as Template;
  const kind = upstream.spec.crd.spec.names.kind;
  const policy = pspPolicy({ kind, metadata: { name: 'drop-in' } }, kind);
  const built = buildPolicies([policy.ir], { targets: TARGETS.filter((t) => t.id === 'gatekeeper') });
  const entry = built.manifest.policies[0]!.gatekeeper as { template: { file: string } };
  const ours = parse(built.files.find((f) => f.path === entry.template.file)!.content) as Template;
  const schema = ours.spec.crd.spec.validation?.openAPIV3Schema ?? { type: 'object' };

  it('defines the upstream constraint kind and template name', () => {
    expect(ours.spec.crd.spec.names.kind).toBe(kind);
    expect(ours.metadata.name).toBe(upstream.metadata.name);
  });

  it('declares every upstream parameter with its type', () => {
    const theirs = typedPaths(upstream.spec.crd.spec.validation?.openAPIV3Schema);
    expect(theirs.filter((p) => !typedPaths(schema).includes(p))).toEqual([]);
  });

  it('accepts the parameters of every upstream sample Constraint, which pspPolicy reads too', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    const samples = samplesOf(suite);
    expect(samples.length).toBeGreaterThan(0);
    for (const { file, doc } of samples) {
      expect(doc.kind).toBe(kind);
      const ok = validate(doc.spec?.parameters ?? {});
      expect({ file, errors: ok ? null : validate.errors }).toEqual({ file, errors: null });
      expect(() => pspPolicy(doc, file)).not.toThrow();
    }
  });
});
