/**
 * The Kyverno ValidatingPolicy target: golden files, validation against the ValidatingPolicy CRD's
 * v1 openAPIV3Schema (shared/schemas/kyverno, with ajv), determinism, validationActions per mode,
 * and autogen kept off (kyverno/kyverno pkg/cel/autogen/support.go, pkg/cel/policies/vpol/autogen).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { Mode } from '@podsec/ir';
import { generatedNames } from '../../src/shared/names.js';
import { vpolCompiler } from '../../src/vpol/index.js';
import { celFixtures } from '../cel/fixtures.js';
import { emit } from '../cel/emitted.js';
import { expectGolden } from '../../../../test/support/golden.js';
import { sharedDir } from '../../../../test/support/shared.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const fixtures = celFixtures();

interface Crd {
  spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
}

function vpolSchemaValidator() {
  const crd = parse(readFileSync(sharedDir('schemas', 'kyverno', 'policies.kyverno.io_validatingpolicies.yaml'), 'utf8')) as Crd;
  const v1 = crd.spec.versions.find((v) => v.name === 'v1');
  if (!v1) throw new Error('the ValidatingPolicy CRD has no v1 version');
  // x-kubernetes-* keywords and Kubernetes formats (int32, ...) are not JSON Schema: ignore, don't fail.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(v1.schema.openAPIV3Schema);
}

describe('kyverno ValidatingPolicy target', () => {
  const validate = vpolSchemaValidator();

  it('declares its id, output directory and file layout', () => {
    expect({ id: vpolCompiler.id, dir: vpolCompiler.dir }).toEqual({ id: 'kyvernoVpol', dir: 'kyverno-vpol' });
    const ir = fixtures[0]!.ir;
    expect(vpolCompiler.compile(ir, generatedNames(ir)).files.map((f) => f.path)).toEqual([`kyverno-vpol/${ir.name}.yaml`]);
  });

  it.each(fixtures)('$file matches its golden file', ({ ir }) => {
    const { text } = emit(vpolCompiler, ir);
    expectGolden(join(GOLDEN, `${ir.name}.yaml`), text);
  });

  it.each(fixtures)('$file validates against the ValidatingPolicy v1 CRD schema', ({ ir }) => {
    const { docs } = emit(vpolCompiler, ir);
    expect(docs).toHaveLength(1);
    expect({ apiVersion: docs[0]!.apiVersion, kind: docs[0]!.kind }).toEqual({ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy' });
    validate(docs[0]);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('the schema check is real: a broken policy is rejected', () => {
    const broken = structuredClone(emit(vpolCompiler, fixtures[0]!.ir).docs[0]!) as unknown as { spec: { validations: unknown } };
    broken.spec.validations = 'not a list';
    expect(validate(broken)).toBe(false);
  });

  it.each(fixtures)('$file: output is byte-identical across runs', ({ ir }) => {
    expect(emit(vpolCompiler, structuredClone(ir)).text).toBe(emit(vpolCompiler, ir).text);
  });

  it.each(fixtures)('$file: autogen is off twice over, and the manifest entry names the policy', ({ ir }) => {
    const { docs, manifest } = emit(vpolCompiler, ir);
    const spec = docs[0]!.spec as { autogen: unknown; matchConstraints: { resourceRules: { resources: string[] }[] }; validationActions: string[] };
    expect(spec.autogen).toEqual({ podControllers: { controllers: [] } });
    // Kyverno's CanAutoGen needs exactly one resource rule naming only `pods`; we never emit that.
    const rules = spec.matchConstraints.resourceRules;
    expect(rules.length === 1 && rules[0]!.resources.length === 1 && rules[0]!.resources[0] === 'pods').toBe(false);
    expect(manifest).toEqual({
      file: `kyverno-vpol/${ir.name}.yaml`,
      kind: 'ValidatingPolicy',
      name: generatedNames(ir).kyvernoVpol,
      validationActions: spec.validationActions,
      rules: ir.rules.map((r) => r.id),
    });
  });

  it('turns background scans off only when an exemption reads the requesting user', () => {
    for (const { ir } of fixtures) {
      const spec = emit(vpolCompiler, ir).docs[0]!.spec as { evaluation?: unknown };
      expect({ policy: ir.name, evaluation: spec.evaluation }).toEqual({
        policy: ir.name,
        evaluation: ir.exemptions.usernames.length ? { background: { enabled: false } } : undefined,
      });
    }
  });

  it.each<[Mode, string[]]>([
    ['enforce', ['Deny']],
    ['audit', ['Audit']],
    ['warn', ['Warn']],
  ])('mode %s sets validationActions %j', (mode, actions) => {
    const { docs } = emit(vpolCompiler, { ...fixtures[0]!.ir, mode });
    expect((docs[0]!.spec as { validationActions: string[] }).validationActions).toEqual(actions);
  });
});
