import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import { buildPolicies } from '@podsec/compilers';
import { renderRuleMessage } from '@podsec/ir';
import { sharedDir } from '../../../test/support/shared.js';
import { tempDir } from '../../../test/support/tmp.js';
import { ADAPTER_FACTORIES, loadAdapters, referenceAdapterFactory } from '../src/adapters.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { psaFixtures } from '../src/fixtures/psa.js';
import { loadBuildFromDir } from '../src/load.js';
import { renderHtml, renderJson, renderJunit, renderText, renderVerifySarif, type JsonReport } from '../src/report/index.js';
import type { EngineDecision, EngineId } from '../src/types.js';
import { judge, verify, type Expected } from '../src/verify.js';
import { buildOf, oldMessageStyle, PSS_IRS, SEED_IRS } from './support.js';

const decision = (violations: EngineDecision['violations'], extra: Partial<EngineDecision> = {}): EngineDecision => ({
  engine: 'vap',
  policy: 'p',
  outcome: 'violated',
  violations,
  ...extra,
});
const EXPECTED: Expected = {
  outcome: 'violated',
  rules: ['a', 'b'],
  messages: [
    { rule: 'a', message: 'a is wrong (container "x" must not)' },
    { rule: 'b', message: 'b is wrong' },
  ],
  source: 'reference',
};
const KNOWN = new Set(['a', 'b', 'c']);
const MESSAGES = new Map(EXPECTED.messages!.map((m) => [m.rule, m.message]));
const RIGHT = EXPECTED.messages!.map((m) => ({ ...m }));

describe('the message comparison', () => {
  it("holds an engine that compares messages to the reference's text for each violated rule", () => {
    expect(judge(decision(RIGHT), EXPECTED, KNOWN, MESSAGES)).toBeUndefined();
    const wrong = [RIGHT[0]!, { rule: 'b', message: 'b is wrong (containers: x)' }];
    expect(judge(decision(wrong), EXPECTED, KNOWN, MESSAGES)).toEqual({
      kind: 'message',
      mismatches: [{ engine: 'vap', rule: 'b', expected: 'b is wrong', found: 'b is wrong (containers: x)' }],
    });
    // Without the opt-in only the outcome and rules are compared.
    expect(judge(decision(wrong), EXPECTED, KNOWN)).toBeUndefined();
  });

  it('fails closed on violations that name no IR rule, and on a violation reported with none', () => {
    const untraced = [...RIGHT, { rule: 'b-controllers', message: 'b is wrong' }];
    expect(judge(decision(untraced), EXPECTED, KNOWN, MESSAGES)).toEqual({
      kind: 'untraced',
      mismatches: [{ engine: 'vap', rule: 'b-controllers', found: 'b is wrong' }],
    });
    expect(judge(decision([]), EXPECTED, KNOWN, MESSAGES)).toEqual({ kind: 'untraced', mismatches: [] });
    // Engines that do not compare messages are not held to tracing.
    expect(judge(decision(untraced), EXPECTED, KNOWN)).toBeUndefined();
  });

  it('compares a partial engine on the violations it reports, and outcome and rules before messages', () => {
    expect(judge(decision([RIGHT[1]!], { partial: true }), EXPECTED, KNOWN, MESSAGES)).toBeUndefined();
    expect(judge(decision([{ rule: 'b', message: 'b' }], { partial: true }), EXPECTED, KNOWN, MESSAGES)?.kind).toBe('message');
    expect(judge(decision([{ rule: 'c', message: 'c' }], { partial: true }), EXPECTED, KNOWN, MESSAGES)?.kind).toBe('rules');
    expect(judge(decision([RIGHT[0]!]), EXPECTED, KNOWN, MESSAGES)?.kind).toBe('rules');
    expect(judge(decision([], { outcome: 'satisfied' }), EXPECTED, KNOWN, MESSAGES)?.kind).toBe('outcome');
    expect(judge(decision([], { outcome: 'error', error: 'x' }), EXPECTED, KNOWN, MESSAGES)?.kind).toBe('error');
    expect(judge(decision(RIGHT, { action: 'warn' }), { ...EXPECTED, action: 'deny' }, KNOWN, MESSAGES)?.kind).toBe('action');
  });
});

describe('verify with an engine whose messages are not the reference texts', () => {
  const build = buildOf(PSS_IRS);
  const fixtures = [...generatedFixtures(PSS_IRS), ...psaFixtures(sharedDir('conformance', 'psa'), build.manifest).fixtures];

  it('counts message disagreements apart, per policy and per PSA bundle, and every report shows both texts', async () => {
    const { adapters } = await loadAdapters(build, ['rego', 'vap'], { rego: referenceAdapterFactory('rego'), vap: oldMessageStyle('vap') });
    const r = verify({ build, adapters, fixtures });
    expect(r.disagreements.length).toBeGreaterThan(0);
    expect(r.disagreements.every((d) => d.engines.join() === 'vap' && d.kinds.vap === 'message')).toBe(true);
    const privileged = r.disagreements.find((d) => d.policy === 'pss-privileged')!;
    const m = privileged.messages![0]! as { engine: EngineId; rule: string; expected: string; found: string };
    expect(m).toMatchObject({ engine: 'vap', rule: 'privileged', found: expect.stringMatching(/^privileged \(containers: /) });
    expect(m.expected).toMatch(/^privileged \(containers? "[^"]*"(, "[^"]*")* must not set securityContext\.privileged=true\)$/);
    // PSA bundles compare each member's messages, named member/rule.
    const bundle = r.disagreements.find((d) => d.policy === 'pss-baseline' && d.messages?.some((x) => x.rule === 'pss-privileged/privileged'))!;
    expect(bundle.fixture.group).toBe('psa');
    // Pod-level rules have no detail: their text is the message alone, the same in both wordings.
    expect(r.disagreements.some((d) => d.policy === 'pss-host-namespaces')).toBe(false);
    const counts = r.counts.filter((c) => c.engine === 'vap' && c.disagree);
    expect(counts.every((c) => c.messages === c.disagree)).toBe(true);

    const text = renderText(r);
    expect(text).toMatch(/^pss-privileged +- +ok \d+ +FAIL \d+\/\d+ \(\d+ msg\)$/m);
    const block = `      message (privileged): ${m.found}\n        expected (reference): ${m.expected}\n`;
    expect(text).toContain(`— DISAGREES (message)\n${block}`);
    expect(text).toContain(`expected (reference for pss-privileged/privileged): `);
    expect(renderHtml(r)).toContain('DISAGREES (message)');
    expect(renderHtml(r)).toContain(`expected (reference): ${m.expected.replaceAll('"', '&quot;')}`);
    expect(renderJunit(r)).toMatch(/fixtures disagree \(\d+ message mismatches\)/);
    expect(renderJunit(r)).toContain(`expected (reference): ${m.expected.replaceAll('"', '&quot;')}`);
    const json = JSON.parse(renderJson(r)) as JsonReport;
    const first = json.disagreements.find((d) => d.policy === 'pss-privileged')!;
    expect(first.kinds).toEqual({ vap: 'message' });
    expect(first.messages![0]).toEqual(m);
    expect(first.expected.messages).toEqual([{ rule: 'privileged', message: m.expected }]);
    const sarif = renderVerifySarif(r, { toolVersion: '0', sourceOf: () => undefined });
    expect(sarif).toContain(JSON.stringify(`expected (reference): ${m.expected}`).slice(1, -1));
  });

  it('the text report lists what users see on deny: one reference message per violated rule, naming containers when any fixture did', async () => {
    const { adapters } = await loadAdapters(build, ['rego'], { rego: referenceAdapterFactory('rego') });
    const r = verify({ build, adapters, fixtures });
    expect(r.samples.map((x) => `${x.policy}/${x.rule}`)).toEqual([...build.irs.values()].flatMap((p) => p.rules.map((rule) => `${p.name}/${rule.id}`)));
    const privileged = PSS_IRS.find((p) => p.name === 'pss-privileged')!.rules[0]!;
    const sample = r.samples.find((x) => x.policy === 'pss-privileged')!.message;
    const names = [...sample.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    expect(sample).toBe(renderRuleMessage(privileged, names));
    const hostNamespaces = PSS_IRS.find((p) => p.name === 'pss-host-namespaces')!.rules[0]!;
    expect(r.samples.find((x) => x.policy === 'pss-host-namespaces')!.message).toBe(hostNamespaces.message);
    expect(renderText(r)).toContain(`\nmessages on violation (one per violated rule, the same in every engine; a sample each):\n`);
    expect(renderText(r)).toContain(`\n  pss-privileged/privileged: ${sample}\n`);
  });

  it('the same engine agrees when it does not compare messages', async () => {
    const { adapters } = await loadAdapters(build, ['vap'], { vap: oldMessageStyle('vap') });
    adapters[0]!.comparesMessages = false;
    expect(verify({ build, adapters, fixtures }).disagreements).toEqual([]);
  });
});

describe('a hand-edited message in a build directory', () => {
  // A rule with no detail reports its message alone, so every target already reports the
  // reference's text for it; whichever engine compares messages must catch the edit.
  const ir = SEED_IRS.find((p) => p.name === 'require-supplemental-groups-strict')!;
  const rule = ir.rules[0]!;

  it.each([
    ['kyverno', `kyverno/${ir.name}.yaml`],
    ['vap', `vap/${ir.name}.yaml`],
  ] as const)(
    'in the %s output is a message disagreement naming the file, policy, rule and both texts',
    async (engine, file) => {
      expect(rule.detail).toBeUndefined();
      const dir = tempDir('podsec-message-tamper');
      for (const f of buildPolicies([ir]).files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      // Through a YAML parser: the file may write the message folded over lines.
      const docs = parseAllDocuments(text);
      for (const doc of docs)
        visit(doc, {
          Scalar(_key, node) {
            if (isScalar(node) && node.value === rule.message) node.value = `${rule.message} Ask the platform team.`;
          },
        });
      const edited = text.slice(0, text.indexOf('apiVersion:')) + docs.map((d) => d.toString()).join('---\n');
      expect(edited).not.toBe(text);
      writeFileSync(path, edited);
      const build = loadBuildFromDir(dir);
      expect(build.modified).toEqual([file]);
      const { adapters } = await loadAdapters(build, [engine], ADAPTER_FACTORIES);
      try {
        adapters[0]!.comparesMessages = true;
        const r = verify({ build, adapters, fixtures: generatedFixtures([ir]) });
        expect(r.disagreements.length).toBeGreaterThan(0);
        for (const d of r.disagreements) {
          expect(d.kinds).toEqual({ [engine]: 'message' });
          expect(d.messages).toEqual([{ engine, rule: rule.id, expected: renderRuleMessage(rule, []), found: `${rule.message} Ask the platform team.` }]);
        }
        const report = renderText(r);
        expect(report).toContain(`#1 ${ir.name} × ${engine}`);
        expect(report).toMatch(
          new RegExp(`^ {2}${engine} \\([^)]*${file.replace('.', '\\.')}[^)]*\\): violated .*\\[${rule.id}\\] — DISAGREES \\(message\\)$`, 'm'),
        );
        expect(report).toContain(`\n      message (${rule.id}): ${rule.message} Ask the platform team.\n        expected (reference): ${rule.message}\n`);
      } finally {
        for (const a of adapters) a.close?.();
      }
    },
    120_000,
  );
});
