import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPolicies } from '@podsec/compilers';
import { renderRuleMessage, type PolicyIR } from '@podsec/ir';
import { evalCommand } from '../../cli/src/commands/eval.js';
import { verifyCommand } from '../../cli/src/commands/verify.js';
import { CliError, type CommandIO } from '../../cli/src/io.js';
import { repoRoot } from '../../../test/support/shared.js';
import type { JsonReport } from '../src/report/json.js';
import type { EvalRow } from '../src/eval.js';
import { referenceAdapterFactory } from '../src/adapters.js';
import { ignoresEphemeral, PSS_IRS, REFERENCE_FACTORIES, throwing } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'podsec-cli-'));
  dirs.push(d);
  return d;
};

function io(cwd = repoRoot): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, isTTY: false, out: () => out, err: () => err };
}

function writeBuild(irs: PolicyIR[]): string {
  const dir = scratch();
  for (const f of buildPolicies(irs).files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

describe('podsec verify', () => {
  it('builds POLICY_DIR in memory, passes with agreeing engines (exit 0)', async () => {
    const c = io();
    const code = await verifyCommand({ policyDir: 'policies/seed', random: 50, seed: 3, format: 'json' }, c, { factories: REFERENCE_FACTORIES });
    const report = JSON.parse(c.out()) as JsonReport;
    expect([code, report.ok, report.totals.disagreements]).toEqual([0, true, 0]);
    // One policy per module in policies/seed.
    const modules = readdirSync(join(repoRoot, 'policies', 'seed')).filter((f) => f.endsWith('.ts'));
    expect(report.policies).toHaveLength(modules.length);
    expect(report.random).toEqual({ runs: 50, seed: 3 });
  });

  it('exits 1 and names the disagreement when an engine is wrong', async () => {
    const c = io();
    const code = await verifyCommand({ policyDir: 'policies/seed', random: 0, format: 'text' }, c, {
      factories: { rego: referenceAdapterFactory('rego'), kyverno: ignoresEphemeral('kyverno') },
    });
    expect(code).toBe(1);
    expect(c.out()).toContain('require-run-as-non-root × kyverno — placement: require-run-as-non-root/effective runAsNonRoot/ephemeralContainers');
    expect(c.out()).toMatch(/vpol +vap/);
    expect(c.out()).toContain('not run (no engine adapter registered): gatekeeper, vpol, vap');
  });

  it('verifies a build directory with the PSA ground truth and writes an HTML report with --out', async () => {
    const build = writeBuild(PSS_IRS);
    const c = io();
    const code = await verifyCommand(
      { build, random: 20, seed: 1, format: 'html', out: 'report.html' },
      { ...c, cwd: build },
      { factories: REFERENCE_FACTORIES },
    );
    expect(code).toBe(0);
    const html = readFileSync(join(build, 'report.html'), 'utf8');
    expect(html).toContain('<span id="disagreement-count">0</span>');
    expect(html).toContain('pss-restricted');
    expect(c.out()).toMatch(/^report\.html: html report, \d+ fixtures, 0 disagreement\(s\)\.\n$/);
    // The PSA bundles were checked (default ../shared/conformance/psa is relative to cwd, so pass it explicitly here).
    const c2 = io();
    await verifyCommand({ build, random: 0, format: 'json', psa: join(repoRoot, '..', 'shared', 'conformance', 'psa') }, c2, {
      factories: { rego: referenceAdapterFactory('rego') },
    });
    const report = JSON.parse(c2.out()) as JsonReport;
    expect(
      report.counts.filter((x) => x.group === 'psa' && x.policy.startsWith('pss-') && !report.policies.includes(x.policy)).reduce((n, x) => n + x.evaluated, 0),
    ).toBe(148 * 2);
  });

  it('reads --fixtures directories of user resources', async () => {
    const c = io();
    await verifyCommand({ policyDir: 'policies/seed', random: 0, format: 'json', fixtures: ['test/fixtures/seed-pods'] }, c, {
      factories: { rego: referenceAdapterFactory('rego') },
    });
    const report = JSON.parse(c.out()) as JsonReport;
    expect(report.counts.filter((x) => x.group === 'user').every((x) => x.evaluated >= 9)).toBe(true);
  });

  it('fails when no engine could run, and rejects bad options and builds clearly', async () => {
    const c = io();
    expect(await verifyCommand({ policyDir: 'policies/seed', random: 0 }, c, { factories: {} })).toBe(1);
    expect(c.err()).toContain('no engine adapter is registered, so nothing was verified');
    await expect(verifyCommand({ policyDir: 'policies/seed', format: 'xml' as never }, io(), { factories: {} })).rejects.toThrow(
      new CliError('--format xml: unknown report format. Fix: use one of text, json, junit, html, sarif.', 2),
    );
    await expect(verifyCommand({ build: 'no/such/build' }, io(), { factories: {} })).rejects.toThrow(/no\/such\/build: no such build directory/);
    await expect(verifyCommand({ policyDir: 'policies/seed', fixtures: ['no-such.yaml'] }, io(), { factories: {} })).rejects.toThrow(
      'no-such.yaml: no such file or directory. Fix: pass YAML/JSON files, directories, or - for stdin.',
    );
  });
});

describe('podsec eval', () => {
  const privileged = PSS_IRS.find((p) => p.name === 'pss-privileged')!;
  const build = writeBuild([privileged, { ...privileged, name: 'pss-privileged-audit', mode: 'audit' }]);
  const STDIN = `apiVersion: v1
kind: Pod
metadata: {name: root, namespace: team-a}
spec:
  containers: [{name: a, image: x, securityContext: {privileged: true}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: a, image: x}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
`;

  it('prints one verdict per resource × policy × engine for stdin and files, mapped by mode', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'ephemeral.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: dbg}\nspec:\n  containers: [{name: a, image: x}]\n  ephemeralContainers: [{name: d, image: x, securityContext: {privileged: true}}]\n',
    );
    const c = io(dir);
    const code = await evalCommand({ build, format: 'json', resources: ['-', 'ephemeral.yaml'] }, c, {
      factories: { rego: referenceAdapterFactory('rego'), vap: ignoresEphemeral('vap') },
      readStdin: () => STDIN,
    });
    expect(code).toBe(1);
    const rows = JSON.parse(c.out()) as EvalRow[];
    for (const r of rows) expect(Object.keys(r)).toEqual(expect.arrayContaining(['resource', 'policy', 'engine', 'verdict', 'action', 'violations']));
    const v = (resource: string, policy: string, engine: string) => rows.find((r) => r.resource === resource && r.policy === policy && r.engine === engine);
    expect(rows).toHaveLength(4 * 2 * 2);
    expect(v('<stdin>#0 Pod/team-a/root', 'pss-privileged', 'rego')).toEqual({
      resource: '<stdin>#0 Pod/team-a/root',
      policy: 'pss-privileged',
      engine: 'rego',
      verdict: 'deny',
      action: 'deny',
      violations: [{ rule: privileged.rules[0]!.id, message: renderRuleMessage(privileged.rules[0]!, ['a']) }],
    });
    // An audit-mode violation admits the Pod and says so: the action is audit, never a bare allow.
    expect(v('<stdin>#0 Pod/team-a/root', 'pss-privileged-audit', 'rego')).toMatchObject({
      verdict: 'allow',
      action: 'audit',
      violations: [{ rule: privileged.rules[0]!.id }],
    });
    expect(v('<stdin>#1 Deployment/web', 'pss-privileged', 'rego')).toMatchObject({ verdict: 'allow', action: 'allow', violations: [] });
    expect(v('<stdin>#2 ConfigMap/settings', 'pss-privileged', 'vap')).toMatchObject({
      verdict: 'allow',
      action: 'skip',
      skipReason: 'kind not matched',
      violations: [],
    });
    expect(v('ephemeral.yaml#0 Pod/dbg', 'pss-privileged', 'rego')?.verdict).toBe('deny');
    expect(v('ephemeral.yaml#0 Pod/dbg', 'pss-privileged', 'vap')?.verdict).toBe('allow');
    expect(c.err()).toBe('podsec: not run (no adapter registered): gatekeeper, kyverno, vpol\n');
  });

  it('reports engine errors as verdict error, and an engine without an adapter as an error', async () => {
    const c = io();
    expect(
      await evalCommand({ build, engine: 'vpol', format: 'json', resources: ['-'] }, c, { factories: { vpol: throwing('vpol') }, readStdin: () => STDIN }),
    ).toBe(1);
    const rows = JSON.parse(c.out()) as (EvalRow & { error?: string })[];
    expect(rows.every((r) => r.verdict === 'error' && r.error === 'the vpol adapter threw: policy bundle failed to load: unexpected token at 3:7')).toBe(true);
    await expect(evalCommand({ build, engine: 'vap', resources: ['-'] }, io(), { factories: {}, readStdin: () => STDIN })).rejects.toThrow(
      '--engine vap: no adapter is registered for this engine in this podsec.',
    );
    await expect(evalCommand({ build, resources: ['-'] }, io(), { factories: REFERENCE_FACTORIES, readStdin: () => 'kind: Pod\n  bad: [' })).rejects.toThrow(
      '<stdin>:1:7: document 0 is not valid YAML/JSON (Nested mappings are not allowed in compact mappings). Fix: correct the syntax there.',
    );
    await expect(evalCommand({ build, resources: ['-'] }, io(), { factories: REFERENCE_FACTORIES, readStdin: () => '---\n- a\n' })).rejects.toThrow(
      '<stdin>#0: the document is a list, not a Kubernetes object.',
    );
  });

  it('text output lists violations under each verdict', async () => {
    const c = io();
    await evalCommand({ build, engine: 'rego', resources: ['-'] }, c, { factories: REFERENCE_FACTORIES, readStdin: () => STDIN });
    expect(c.out()).toContain(
      `<stdin>#0 Pod/team-a/root  pss-privileged  rego: deny\n    ${privileged.rules[0]!.id}: ${renderRuleMessage(privileged.rules[0]!, ['a'])}\n`,
    );
  });
});
