import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { loadAdapters } from '../src/adapters.js';
import { evaluateResources } from '../src/eval.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { renderEvalSarif, renderVerifySarif } from '../src/report/index.js';
import { ENGINE_IDS } from '../src/types.js';
import { verify, type VerifyResult } from '../src/verify.js';
import { buildOf, podLevelOnly, PSS_IRS, REFERENCE_FACTORIES } from './support.js';

// The OASIS SARIF 2.1.0 schema (rtm.5, JSON Schema draft-04) as Microsoft ships it on npm.
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false }); // the schema's language pattern is not valid with the u flag;
addFormats(ajv);
const validate = ajv.compile(schema);

const valid = (text: string) => {
  const doc = JSON.parse(text) as unknown;
  const ok = validate(doc);
  return ok ? 'valid' : ajv.errorsText(validate.errors);
};

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
    }[];
  }[];
}

const build = buildOf(PSS_IRS.filter((p) => ['pss-privileged', 'pss-host-namespaces'].includes(p.name)));
const sourceOf = (policy: string) => ({ uri: `policies/${policy}.ts`, line: 3 });
let result: VerifyResult;

beforeAll(async () => {
  // Kyverno decides only pod-level fields here, so container-level fixtures disagree.
  const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS, { ...REFERENCE_FACTORIES, kyverno: podLevelOnly('kyverno') });
  result = verify({ build, adapters, notRun, fixtures: generatedFixtures(build.irs.values()), random: 0, seed: 1 });
});

describe('SARIF 2.1.0', () => {
  it('the schema rejects a log that breaks it (the validator is live)', () => {
    expect(valid(JSON.stringify({ version: '2.1.0', runs: [{ tool: {} }] }))).not.toBe('valid');
  });

  it('verify: one error result per disagreement, at the policy source, valid against the schema', () => {
    expect(result.disagreements.length).toBeGreaterThan(0);
    const text = renderVerifySarif(result, { toolVersion: '9.9.9', sourceOf });
    expect(valid(text)).toBe('valid');
    const log = JSON.parse(text) as SarifLog;
    const run = log.runs[0]!;
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver).toMatchObject({ name: 'podsec', version: '9.9.9' });
    expect(run.results).toHaveLength(result.disagreements.length);
    run.results.forEach((r, i) => {
      const d = result.disagreements[i]!;
      expect(r.ruleId).toBe(d.policy);
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(d.policy);
      expect(r.level).toBe('error');
      expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: `policies/${d.policy}.ts` }, region: { startLine: 3 } });
      expect(r.message.text).toContain(d.engines.join(', '));
    });
  });

  it('eval: one result per violated rule, error for deny, valid against the schema', async () => {
    const { adapters } = await loadAdapters(build, ['vap'], REFERENCE_FACTORIES);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { hostNetwork: true, containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] },
    };
    const rows = evaluateResources(build, adapters, [{ name: 'pod.yaml#0 Pod/default/p', file: 'pod.yaml', index: 0, object: pod }]);
    const text = renderEvalSarif(rows, { toolVersion: '1.0.0', sourceOf });
    expect(valid(text)).toBe('valid');
    const results = (JSON.parse(text) as SarifLog).runs[0]!.results;
    const violations = rows.flatMap((r) => r.violations.map((v) => `${r.policy}/${v.rule}`));
    expect(violations.length).toBeGreaterThanOrEqual(2);
    expect(results.map((r) => r.ruleId)).toEqual(violations);
    expect(results.every((r) => r.level === 'error' && r.message.text.startsWith('pod.yaml#0'))).toBe(true);
  });
});
