/**
 * Drop-in: each upstream gator suite (../shared/conformance/gatekeeper-psp/<suite>/suite.yaml), with
 * its `template:` being the ConstraintTemplate podsec generates for the suite's constraint kind,
 * passes `podsec test gator` — the upstream Constraints, parameters and objects unchanged. The
 * template comes from the library's default instance: a template is instance-independent (it
 * reads `input.parameters`), so one generated template serves every Constraint of its kind.
 */
import { describe, expect, it } from '@jest/globals';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPolicies, TARGETS } from '@podsec/compilers';
import { pspPolicy } from '@podsec/psp-library';
import { parse } from 'yaml';
import { podsec } from './support/cli.js';
import { assertionId, pspAssertions, pspFile } from './support/psp-conformance.js';
import { isKnownGap, PSP_GAPS } from './support/psp-gaps.js';
import { tempDir } from './support/tmp.js';

const assertions = pspAssertions();
const suites = [...new Set(assertions.map((a) => a.suite))];

/** The constraint kind the upstream template defines (its schema file keeps it). */
function upstreamKind(suite: string): string {
  const t = parse(readFileSync(pspFile(`${suite}/template-schema.yaml`), 'utf8')) as { spec: { crd: { spec: { names: { kind: string } } } } };
  return t.spec.crd.spec.names.kind;
}

/** podsec's ConstraintTemplate for `kind`, or the error that prevents one. */
function generatedTemplate(kind: string): { text?: string; error?: string } {
  try {
    const policy = pspPolicy({ kind, metadata: { name: 'psp-gator' }, spec: {} }, `${kind} (default instance)`);
    const result = buildPolicies([policy.ir], { targets: TARGETS.filter((t) => t.id === 'gatekeeper') });
    const entry = result.manifest.policies[0]!.gatekeeper as { template: { file: string } };
    return { text: result.files.find((f) => f.path === entry.template.file)!.content };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

describe.each(suites)('podsec test gator: upstream %s suite with podsec’s template', (suite) => {
  it('passes every case (except the listed Gatekeeper gaps)', async () => {
    const kind = upstreamKind(suite);
    const ids = assertions.map((a, i) => ({ a, id: assertionId(a, i) })).filter(({ a }) => a.suite === suite);
    // gator names a case `<suite metadata.name>/<test>/<case>`; the suite's name need not be its folder's.
    const gapped = (caseKey: string) =>
      ids.some(({ a, id }) => `${a.test}/${a.case}` === caseKey.split('/').slice(1).join('/') && isKnownGap(PSP_GAPS, suite, 'gatekeeper', id));
    const template = generatedTemplate(kind);
    if (template.error !== undefined) {
      // No template yet: only acceptable when the whole suite is a listed Gatekeeper gap.
      expect({ suite, listedAsGap: ids.every(({ id }) => isKnownGap(PSP_GAPS, suite, 'gatekeeper', id)), error: template.error }).toMatchObject({
        listedAsGap: true,
      });
      return;
    }
    const dir = tempDir(`psp-gator-${suite}`);
    cpSync(pspFile(suite), dir, { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), template.text!);
    const r = await podsec(['test', 'gator', join(dir, 'suite.yaml')]);
    const everyCaseGapped = ids.every(({ id }) => isKnownGap(PSP_GAPS, suite, 'gatekeeper', id));
    // A suite gator cannot even load (e.g. the Constraint's kind is not the template's) fails every case.
    if (r.stderr !== '') {
      expect({ suite, stderr: r.stderr, listedAsGap: everyCaseGapped }).toMatchObject({ listedAsGap: true });
      return;
    }
    const lines = r.stdout.split('\n');
    const failed = lines.filter((l) => l.startsWith('FAIL ')).map((l) => /^FAIL (\S+?):/.exec(l)?.[1] ?? l);
    const passed = lines.filter((l) => l.startsWith('ok ')).map((l) => /^ok +(\S+)/.exec(l)![1]!);
    // One line per case (a case may hold several assertions; two cases may share a name).
    expect(passed.length + failed.length).toBe(new Set(ids.map(({ a }) => `${a.test}/${a.case}/${a.object}`)).size);
    expect(failed.filter((c) => !gapped(c)).map((c) => `${c} fails: ${lines.find((l) => l.startsWith(`FAIL ${c}:`))}`)).toEqual([]);
    expect(passed.filter((c) => gapped(c)).map((c) => `${c} passes in gator: remove its Gatekeeper gap`)).toEqual([]);
  }, 120_000);
});
