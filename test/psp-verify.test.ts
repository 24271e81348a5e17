/**
 * `podsec verify policies/psp`: the bundled gatekeeper-library PSP library (each template with its
 * default parameters and with the non-default instance it ships) decides the same in every engine
 * as under the reference semantics, on generated, boundary, context and random fixtures.
 */
import { describe, expect, it } from '@jest/globals';
import psp from '../policies/psp/index.js';
import { podsec } from './support/cli.js';

describe('podsec verify policies/psp', () => {
  it('finds 0 disagreements', async () => {
    expect(psp.length).toBeGreaterThan(0);
    const r = await podsec(['verify', 'policies/psp', '--random', '40', '--format', 'json', '--no-typecheck']);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      policies: unknown[];
      totals: { disagreements: number; evaluations: number };
      engines: { status: string }[];
    };
    expect(r.stderr).toBe('');
    expect(report.totals.disagreements).toBe(0);
    expect(report.policies).toHaveLength(psp.length);
    expect(report.engines.map((e) => e.status)).toEqual(['run', 'run', 'run', 'run', 'run']);
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
  }, 300_000);
});
