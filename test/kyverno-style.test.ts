import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { buildPolicies } from '@podsec/compilers';
import { loadPolicies } from '../packages/cli/src/load-policies.js';
import { compareWithKyvernoPolicies, countLines, pssBuildFiles, sizeRatio } from '../scripts/output-size.js';
import { repoRoot, sharedDir } from './support/shared.js';

// The ClusterPolicies of the whole bundled library (PSS, PSP, seed) as a reviewer reads them:
// no line longer than 160 characters outside message text, kyverno/policies' catalogue
// annotations filled in, and the PSS set no longer than 1.25 times kyverno/policies' own.

const LIMIT = 160;
const irs = (await loadPolicies('policies', repoRoot)).map((l) => l.ir);
const builds = {
  autogen: buildPolicies(irs).files.filter((f) => f.path.startsWith('kyverno/')),
  explicit: buildPolicies(irs, { kyvernoControllers: 'explicit' }).files.filter((f) => f.path.startsWith('kyverno/')),
};

/** Lines longer than LIMIT that are not part of a `message:` value (its first line or a folded continuation). */
function longLines(content: string): string[] {
  const out: string[] = [];
  let messageIndent: number | undefined;
  for (const line of content.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (messageIndent !== undefined && (line.trim() === '' || indent > messageIndent)) continue;
    messageIndent = /^\s*(- )?message: /.test(line) ? indent : undefined;
    if (messageIndent === undefined && line.length > LIMIT) out.push(line);
  }
  return out;
}

const CATALOGUE = ['title', 'category', 'severity', 'subject', 'minversion', 'description'].map((k) => `policies.kyverno.io/${k}`);

describe('bundled ClusterPolicies read like kyverno/policies', () => {
  it('covers the whole library in both controller modes', () => {
    expect(builds.autogen).toHaveLength(irs.length);
    expect(builds.explicit).toHaveLength(irs.length);
  });

  it('finds long lines where there are some (the check can fail)', () => {
    expect(longLines(`a:\n  b: ${'x'.repeat(200)}\n`)).toHaveLength(1);
    expect(longLines(`a:\n  message: >-\n    ${'x '.repeat(100)}\n  b: 1\n`)).toEqual([]);
  });

  it.each(['autogen', 'explicit'] as const)('%s: no line longer than 160 characters outside message text', (mode) => {
    const long = builds[mode].flatMap((f) => longLines(f.content).map((l) => `${f.path}: ${l.trim().slice(0, 100)}…`));
    expect(long).toEqual([]);
  });

  it('carries the catalogue annotations, none empty, and podsec.dev ones once', () => {
    for (const f of builds.autogen) {
      const annotations = (parse(f.content) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
      for (const key of CATALOGUE) expect([f.path, key, (annotations[key] ?? '').trim() !== '']).toEqual([f.path, key, true]);
      const podsec = Object.entries(annotations).filter(([k]) => k.startsWith('podsec.dev/'));
      // podsec's own keys say what the catalogue keys do not: never a catalogue value again.
      for (const [k, v] of podsec) expect([f.path, k, CATALOGUE.some((c) => annotations[c] === v)]).toEqual([f.path, k, false]);
    }
  });

  it('lets Kyverno generate the controller rules for the PSS set (autogen, no explicit fallback)', () => {
    for (const f of builds.autogen.filter((x) => x.path.startsWith('kyverno/pss-'))) {
      expect([f.path, f.content.includes('pod-policies.kyverno.io/autogen-controllers')]).toEqual([f.path, false]);
      expect([f.path, f.content.includes('-controllers\n')]).toEqual([f.path, false]);
    }
  });
});

describe('size against kyverno/policies', () => {
  const compared = compareWithKyvernoPolicies(pssBuildFiles(), sharedDir('conformance', 'kyverno'));

  it('pairs the 17 controls kyverno/policies writes', () => {
    expect(compared.filter((c) => c.counterpart)).toHaveLength(17);
    expect(countLines('# header\n\na: 1\n  # note\nb: 2\n')).toBe(2);
  });

  it('is at most 1.25 times as long for the same controls', () => {
    const { ratio } = sizeRatio(compared);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThanOrEqual(1.25);
  });
});
