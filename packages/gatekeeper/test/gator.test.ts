// `podsec test gator` over suites in the format of Gatekeeper's `gator verify`
// (docs: open-policy-agent.github.io/gatekeeper/website/docs/gator, "Suite" / "Test" / "Case").
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatorTestCommand } from '../src/index.js';
import { inventoryData } from '../src/gator-test.js';
import { matches, matchMiss } from '../src/match.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from '../../rego/test/helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gator');

async function run(args: string[], cwd = fixtures): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await gatorTestCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd });
  return { code, out, err };
}

describe('podsec test gator', () => {
  it('passes both Pod-security suites, printing a line per case and a summary', async () => {
    const r = await run(['privileged/suite.yaml', 'privilege-escalation/suite.yaml']);
    expect(r.err).toBe('');
    expect(r.out.split('\n').filter((l) => l.startsWith('ok   '))).toHaveLength(10);
    expect(r.out).toContain('ok   privileged-container/privileged-containers/privileged-everywhere (2 violation(s))');
    expect(r.out).toContain('ok   privilege-escalation/allow-privilege-escalation/deployment-init-container (1 violation(s))');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('10 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('reads Rego from a code entry with engine Rego and builds data.inventory from case inventory', async () => {
    const r = await run(['referential/suite.yaml']);
    expect(r.err).toBe('');
    expect(r.out).toContain('ok   referential/unique-app-label/alone (0 violation(s))');
    expect(r.out).toContain('ok   referential/unique-app-label/clash-in-namespace (1 violation(s))');
    expect(r.code).toBe(0);
  });

  it('lays out inventory as Gatekeeper syncs it', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns' } };
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } };
    expect(inventoryData([pod, sc])).toEqual({
      inventory: { namespace: { ns: { v1: { Pod: { a: pod } } } }, cluster: { 'storage.k8s.io/v1': { StorageClass: { fast: sc } } } },
    });
  });

  it('fails a case whose assertion does not hold, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podsec-gator-'));
    try {
      cpSync(join(fixtures, 'privileged'), dir, { recursive: true });
      const suite = readFileSync(join(dir, 'suite.yaml'), 'utf8').replace('- violations: 2', '- violations: 3');
      writeFileSync(join(dir, 'suite.yaml'), suite);
      const r = await run(['suite.yaml'], dir);
      expect(r.out).toContain('FAIL privileged-container/privileged-containers/privileged-everywhere: expected 3 violation(s), got 2: ');
      expect(r.out.trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed');
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad suite with the file, the path inside it and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podsec-gator-'));
    try {
      cpSync(join(fixtures, 'privileged'), dir, { recursive: true });
      writeFileSync(join(dir, 'suite.yaml'), readFileSync(join(dir, 'suite.yaml'), 'utf8').replace('- violations: no\n', '- violations: maybe\n'));
      const r = await run(['suite.yaml'], dir);
      expect(r.err).toBe(
        `podsec test gator: ${join(dir, 'suite.yaml')}: tests[0].cases[0].assertions[0].violations: expected yes, no or a non-negative integer, got "maybe"\n`,
      );
      expect(r.code).toBe(1);
      writeFileSync(
        join(dir, 'constraint.yaml'),
        readFileSync(join(dir, 'constraint.yaml'), 'utf8').replace('excludedNamespaces', 'source: Generated\n    excludedNamespaces'),
      );
      writeFileSync(join(dir, 'suite.yaml'), readFileSync(join(fixtures, 'privileged', 'suite.yaml'), 'utf8'));
      const r2 = await run(['suite.yaml'], dir);
      expect(r2.err).toContain(
        `${join(dir, 'constraint.yaml')}: spec.match.source: unsupported by podsec (supported: kinds, namespaces, excludedNamespaces, labelSelector, namespaceSelector, scope, name)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints usage and returns 2 without suites', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: podsec test gator SUITE.yaml');
  });
});

describe('constraint match', () => {
  // Gatekeeper "match" semantics: kinds (apiGroups x kinds, "*" wildcards), namespaces with a
  // trailing-* prefix form, excludedNamespaces, labelSelector (matchLabels, matchExpressions).
  const pod = { group: '', kind: 'Pod', name: 'web-1', namespace: 'team-a', labels: { app: 'web', tier: 'front' }, namespaceLabels: { env: 'prod' } };
  it.each([
    [{}, true],
    [{ kinds: [{ apiGroups: [''], kinds: ['Pod'] }] }, true],
    [{ kinds: [{ apiGroups: ['apps'], kinds: ['Pod'] }] }, false],
    [{ kinds: [{ apiGroups: ['*'], kinds: ['*'] }] }, true],
    [{ namespaces: ['team-*'] }, true],
    [{ namespaces: ['*-a'] }, true],
    [{ excludedNamespaces: ['*-a'] }, false],
    [{ namespaces: ['team-b'] }, false],
    [{ excludedNamespaces: ['team-a'] }, false],
    [{ labelSelector: { matchLabels: { app: 'web' } } }, true],
    [{ labelSelector: { matchLabels: { app: 'db' } } }, false],
    [{ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front', 'back'] }] } }, true],
    [{ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['front'] }] } }, false],
    [{ labelSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' as const }] } }, true],
    [{ labelSelector: { matchExpressions: [{ key: 'skip', operator: 'Exists' as const }] } }, false],
    [{ namespaceSelector: { matchLabels: { env: 'prod' } } }, true],
    [{ namespaceSelector: { matchLabels: { env: 'dev' } } }, false],
    [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' as const }] } }, false],
    [{ scope: 'Namespaced' as const }, true],
    [{ scope: 'Cluster' as const }, false],
    [{ scope: '*' as const }, true],
    [{ name: 'web-*' }, true],
    [{ name: '*-1' }, true],
    [{ name: 'db-*' }, false],
  ])('%j → %s', (match, expected) => {
    expect(matches(match, pod)).toBe(expected);
  });

  it('objects without a namespace are not disqualified by namespaces; a Namespace matches by its name', () => {
    const clusterScoped = { group: '', kind: 'Pod', namespace: undefined, labels: {} };
    expect(matches({ namespaces: ['default'] }, clusterScoped)).toBe(true);
    expect(matches({ excludedNamespaces: ['default'] }, clusterScoped)).toBe(true);
    const ns = { group: '', kind: 'Namespace', name: 'kube-system', namespace: undefined, labels: {} };
    expect(matches({ excludedNamespaces: ['kube-*'] }, ns)).toBe(false);
    expect(matches({ namespaces: ['prod'] }, ns)).toBe(false);
    expect(matches({ scope: 'Cluster' }, ns)).toBe(true);
    // A Namespace is selected by its own labels, not by a namespace it does not have.
    expect(matches({ namespaceSelector: { matchLabels: { a: 'b' } } }, { ...ns, labels: { a: 'b' } })).toBe(true);
    expect(matchMiss({ namespaceSelector: { matchLabels: { a: 'b' } } }, ns)).toBe('namespaceSelector');
  });
});
