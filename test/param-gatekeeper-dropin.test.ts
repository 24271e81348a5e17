/**
 * Drop-in: the ConstraintTemplate podsec generates for the worked example (K8sPSPHostFilesystem)
 * runs the *upstream* gatekeeper-library Constraints and samples of
 * ../shared/conformance/gatekeeper-psp/host-filesystem in podsec's Gatekeeper engine, with the
 * verdicts real Gatekeeper computed (index.json). The parameters come from each upstream
 * Constraint at run time; the template's schema accepts them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { buildPolicies } from '../packages/compilers/src/build.js';
import { compileTemplate, parseConstraint, parseConstraintTemplate, reviewConstraint, reviewFor } from '../packages/gatekeeper/src/index.js';
import { parseGoYaml } from '../packages/yaml/src/index.js';
import { hostFilesystem } from '../packages/dsl/examples/host-filesystem.js';
import { sharedDir } from './support/shared.js';

type Obj = Record<string, unknown>;
interface Assertion {
  suite: string;
  case: string;
  constraint: string;
  object: string;
  violations: 'yes' | 'no' | number;
}

const root = sharedDir('conformance', 'gatekeeper-psp');
const yamlAt = (rel: string): Obj => parseGoYaml(readFileSync(join(root, rel), 'utf8'), rel)[0]!.value as Obj;

describe('the generated K8sPSPHostFilesystem template is a drop-in for the upstream one', () => {
  const built = buildPolicies([hostFilesystem.ir]);
  const templateFile = built.files.find((f) => f.path.startsWith('gatekeeper/templates/'))!;
  const template = parseGoYaml(templateFile.content, templateFile.path)[0]!.value as Obj;
  const cases = (JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as Assertion[]).filter((a) => a.suite === 'host-filesystem');

  it('has the upstream constraint kind and a parameters schema that accepts every upstream constraint', () => {
    const spec = (template.spec as Obj).crd as { spec: { names: { kind: string }; validation: { openAPIV3Schema: Obj } } };
    expect(spec.spec.names.kind).toBe('K8sPSPHostFilesystem');
    expect((template.metadata as Obj).name).toBe('k8spsphostfilesystem');
    const validate = new Ajv({ strict: false }).compile(spec.spec.validation.openAPIV3Schema);
    expect(cases.length).toBeGreaterThan(0);
    for (const file of new Set(cases.map((c) => c.constraint))) {
      const parameters = ((yamlAt(file).spec as Obj).parameters ?? {}) as Obj;
      expect({ file, ok: validate(parameters) }).toEqual({ file, ok: true });
    }
    expect(validate({ allowedHostPaths: [{ pathPrefix: 1 }] })).toBe(false);
  });

  it('decides every upstream host-filesystem case as real Gatekeeper did', async () => {
    const program = await compileTemplate(parseConstraintTemplate(template, templateFile.path));
    for (const c of cases) {
      const constraint = parseConstraint(yamlAt(c.constraint), c.constraint, 'K8sPSPHostFilesystem');
      const r = reviewConstraint(program, constraint, reviewFor(yamlAt(c.object)));
      const n = r.status === 'evaluated' ? r.violations.length : 0;
      const got = c.violations === 'yes' ? n > 0 : c.violations === 'no' ? n === 0 : n === c.violations;
      expect({ case: `${c.constraint} ${c.case}`, n, ok: got }).toEqual({ case: `${c.constraint} ${c.case}`, n, ok: true });
    }
  });
});
