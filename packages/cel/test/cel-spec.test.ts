/**
 * cel-spec conformance (the suites Kubernetes' CEL environment enables) against podsec's CEL environment.
 * The exact set of failing tests is pinned in cel-spec/known-failures.ts, each with its reason, and
 * CONFORMANCE.md must match a fresh run, so both a regression and a newly passing test fail this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { KNOWN_FAILURES } from './cel-spec/known-failures.js';
import { renderConformance } from './cel-spec/render.js';
import { KUBERNETES_SUITES, runConformance } from './cel-spec/runner.js';

const results = runConformance(KUBERNETES_SUITES);
const known = Object.values(KNOWN_FAILURES).flatMap((f) => f.tests);

describe('cel-spec conformance', () => {
  it('runs every test of every Kubernetes suite, counting the protobuf ones', () => {
    for (const suite of KUBERNETES_SUITES) expect(results.filter((r) => r.suite === suite && r.outcome !== 'protobuf').length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(results.filter((r) => r.outcome === 'protobuf').length).toBe(112);
  });

  it('fails exactly the known failures (a regression or a newly passing test shows up here)', () => {
    const failing = results.filter((r) => r.outcome === 'fail').map((r) => `${r.id}: ${r.detail}`);
    const unexpected = failing.filter((f) => !known.some((id) => f.startsWith(`${id}: `)));
    const nowPassing = known.filter((id) => !results.some((r) => r.id === id && r.outcome === 'fail'));
    expect({ unexpected, nowPassing }).toEqual({ unexpected: [], nowPassing: [] });
  });

  it('every known failure is listed once', () => {
    expect(new Set(known).size).toBe(known.length);
  });

  it('CONFORMANCE.md is up to date', () => {
    const file = new URL('../CONFORMANCE.md', import.meta.url);
    const expected = renderConformance(results, runConformance(KUBERNETES_SUITES, 'library'));
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
