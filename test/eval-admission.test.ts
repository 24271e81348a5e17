import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPolicies } from '@podsec/compilers';
import type { PolicyIR } from '@podsec/ir';
import type { EvalRow } from '@podsec/verify';
import pss from '../policies/pss/index.js';
import { podsec, scratchDir } from './support/cli.js';

// `podsec eval` on AdmissionReviews and Namespaces: every engine sees the same request (user,
// operation, subresource, namespace labels) and reports the action its artifact takes.

const base = pss.find((p) => p.ir.name === 'pss-privileged')!.ir;
const withClauses = (name: string, mode: PolicyIR['mode']): PolicyIR => {
  const ir: PolicyIR = {
    ...base,
    name,
    mode,
    exemptions: { namespaces: [], usernames: ['ci-bot'], runtimeClasses: [] },
    match: { ...base.match, namespaceSelector: { matchExpressions: [{ key: 'podsec.dev/skip', operator: 'DoesNotExist' }] } },
  };
  delete (ir as { pss?: unknown }).pss;
  return ir;
};

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'dbg', namespace: 'team-a' },
  spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] },
};
const review = (request: Record<string, unknown>) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: '1', namespace: 'team-a', object: POD, ...request },
});

let dir: string;
beforeAll(() => {
  dir = scratchDir('eval-admission');
  for (const f of buildPolicies([withClauses('enforced', 'enforce'), withClauses('audited', 'audit')]).files) {
    mkdirSync(dirname(join(dir, 'build', f.path)), { recursive: true });
    writeFileSync(join(dir, 'build', f.path), f.content);
  }
  const docs = [
    review({ operation: 'CREATE', userInfo: { username: 'alice' } }),
    review({ operation: 'UPDATE', userInfo: { username: 'ci-bot' }, oldObject: POD }),
    review({ operation: 'UPDATE', subResource: 'ephemeralcontainers', userInfo: { username: 'alice' }, oldObject: POD }),
    review({ operation: 'CREATE', namespace: 'quiet', object: { ...POD, metadata: { name: 'dbg' } }, userInfo: { username: 'alice' } }),
  ];
  // A stream of JSON values, one per line, as kubectl's decoder reads a file that starts with `{`.
  writeFileSync(join(dir, 'reviews.json'), docs.map((d) => JSON.stringify(d)).join('\n'));
  writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: quiet, labels: {podsec.dev/skip: "true"}}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENGINES = ['rego', 'gatekeeper', 'kyverno', 'vpol', 'vap'];

describe('podsec eval with AdmissionReviews', () => {
  it('gives every engine the request: user exemption, UPDATE, ephemeral containers, namespace labels', async () => {
    const r = await podsec(['eval', '--build', 'build', '--format', 'json', '--namespaces', 'ns.yaml', 'reviews.json'], dir);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as EvalRow[];
    const actions = (resource: RegExp, policy: string) => rows.filter((x) => resource.test(x.resource) && x.policy === policy).map((x) => [x.engine, x.action]);
    const all = (a: string) => ENGINES.map((e) => [e, a]);
    expect(actions(/#0 AdmissionReview CREATE Pod\/team-a\/dbg/, 'enforced')).toEqual(all('deny'));
    expect(actions(/#0 /, 'audited')).toEqual(all('audit'));
    // The exempt user: engines that match on users skip; the Rego module repeats the test and allows.
    expect(actions(/#1 AdmissionReview UPDATE/, 'enforced')).toEqual([
      ['rego', 'allow'],
      ['gatekeeper', 'allow'],
      ['kyverno', 'skip'],
      ['vpol', 'skip'],
      ['vap', 'skip'],
    ]);
    expect(actions(/#2 AdmissionReview UPDATE \/ephemeralcontainers/, 'enforced')).toEqual(all('deny'));
    const quiet = rows.filter((x) => /#3 /.test(x.resource) && x.policy === 'enforced');
    expect(quiet.map((x) => x.verdict)).toEqual(ENGINES.map(() => 'allow'));
    expect(quiet.find((x) => x.engine === 'gatekeeper')).toMatchObject({
      action: 'skip',
      skipReason: expect.stringContaining('match.namespaceSelector not matched'),
    });
    const deny = rows.find((x) => /#0 /.test(x.resource) && x.policy === 'enforced' && x.engine === 'vap');
    expect(deny?.actionSource).toEqual({
      file: 'vap/enforced.yaml',
      path: 'ValidatingAdmissionPolicyBinding podsec-enforced: spec.validationActions',
      found: '["Deny"]',
    });
    expect(r.code).toBe(1);
  }, 120_000);

  it('prints the action in text, so an audit violation never reads as allow', async () => {
    const r = await podsec(['eval', '--build', 'build', '--engine', 'kyverno', 'reviews.json'], dir);
    expect(r.stdout).toContain('reviews.json#0 AdmissionReview CREATE Pod/team-a/dbg  audited  kyverno: audit\n');
    expect(r.stdout).toMatch(/audited {2}kyverno: audit\n {4}action: kyverno\/audited\.yaml spec\.rules\[0\]\.validate\.failureAction/);
    expect(r.stdout).not.toMatch(/#0 .* audited {2}kyverno: allow/);
  }, 120_000);

  it('verify --fixtures takes the same AdmissionReviews and Namespaces, and all five engines agree with the IR on them', async () => {
    const r = await podsec(['verify', '--build', 'build', '--random', '0', '--format', 'json', '--fixtures', 'reviews.json', '--namespaces', 'ns.yaml'], dir);
    const report = JSON.parse(r.stdout) as { ok: boolean; counts: { engine: string; group: string; evaluated: number; agree: number }[] };
    const user = report.counts.filter((c) => c.group === 'user');
    expect([...new Set(user.map((c) => c.engine))].sort()).toEqual([...ENGINES].sort());
    for (const c of user) expect([c.evaluated, c.agree]).toEqual([4, 4]);
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
  }, 120_000);

  it('refuses a review podsec cannot decide, naming the document and the fix', async () => {
    writeFileSync(join(dir, 'delete.json'), JSON.stringify(review({ operation: 'DELETE' })));
    const r = await podsec(['eval', '--build', 'build', 'delete.json'], dir);
    expect(r.stderr).toContain('delete.json#0: .request.operation is "DELETE"; podsec policies review CREATE and UPDATE. Fix: use one of those.');
    expect(r.code).not.toBe(0);
  });
});
