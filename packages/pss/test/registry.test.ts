/**
 * The check table and its selection by level and version, mirroring upstream policy/registry.go
 * (`populate`, `inflateVersions`, `validateChecks`) and api/helpers.go (`ParseVersion`).
 */
import { describe, expect, it } from '@jest/globals';
import { checksFor, parsePssVersion, PSS_CHECKS, PSS_LATEST_MINOR, PssVersionError, validateCheckTable, type PssCheckDefinition } from '../src/index.js';
import { loadPsaIndex } from './support.js';

const ids = (level: 'privileged' | 'baseline' | 'restricted', version: string): string[] => checksFor(level, version).map((d) => d.id);

describe('check table', () => {
  it('has every check upstream generates fixtures for, with the same control and level', () => {
    // conformance/psa/index.json records, per upstream fixture, the check id, its control and level.
    const fromFixtures = new Map<string, { control: string | null; level: string }>();
    for (const f of loadPsaIndex()) {
      if (f.control !== null) fromFixtures.set(f.check, { control: f.control, level: f.check_level ?? '' });
    }
    const ours = new Map(PSS_CHECKS.map((c) => [c.id as string, { control: c.control, level: c.level }]));
    expect(ours).toEqual(fromFixtures);
  });

  it('overrides exactly the four baseline checks upstream replaces at restricted', () => {
    const overrides = Object.fromEntries(PSS_CHECKS.filter((c) => c.overrides !== undefined).map((c) => [c.id, c.overrides]));
    // index.json evaluated_at_restricted_by, inverted.
    const fromFixtures = Object.fromEntries(
      loadPsaIndex()
        .filter((f) => f.evaluated_at_restricted_by !== undefined)
        .map((f) => [f.evaluated_at_restricted_by, f.check]),
    );
    expect(overrides).toEqual(fromFixtures);
  });

  it('rejects malformed tables like upstream validateChecks', () => {
    const fn = (): { allowed: true } => ({ allowed: true });
    const row = (over: Partial<PssCheckDefinition>): PssCheckDefinition => ({
      id: 'privileged',
      control: 'Privileged Containers',
      level: 'baseline',
      versions: [{ minVersion: 'v1.0', check: fn }],
      ...over,
    });
    expect(() => validateCheckTable([row({}), row({})])).toThrow(/duplicate/);
    expect(() => validateCheckTable([row({ versions: [] })])).toThrow(/no versions/);
    expect(() =>
      validateCheckTable([
        row({
          versions: [
            { minVersion: 'v1.5', check: fn },
            { minVersion: 'v1.5', check: fn },
          ],
        }),
      ]),
    ).toThrow(/strictly increasing/);
    expect(() => validateCheckTable([row({ overrides: 'hostPorts' })])).toThrow(/only restricted/);
    expect(() =>
      validateCheckTable([row({ id: 'runAsUser', level: 'restricted', overrides: 'runAsNonRoot' }), row({ id: 'runAsNonRoot', level: 'restricted' })]),
    ).toThrow(/not a baseline check/);
    expect(() => validateCheckTable(PSS_CHECKS)).not.toThrow();
  });
});

describe('checksFor', () => {
  it('runs nothing at privileged', () => {
    expect(checksFor('privileged', 'latest')).toEqual([]);
  });

  it('orders baseline ids sorted, then restricted ids sorted (upstream orderedIDs)', () => {
    const restricted = checksFor('restricted', 'v1.37');
    const baselinePart = restricted.filter((d) => d.level === 'baseline').map((d) => d.id);
    const restrictedPart = restricted.filter((d) => d.level === 'restricted').map((d) => d.id);
    expect(restricted.map((d) => d.id)).toEqual([...baselinePart, ...restrictedPart]);
    expect(baselinePart).toEqual([...baselinePart].sort());
    expect(restrictedPart).toEqual([...restrictedPart].sort());
  });

  it('at restricted v1.37 leaves out the four overridden baseline checks', () => {
    const baseline = ids('baseline', 'v1.37');
    const restricted = ids('restricted', 'v1.37');
    expect(baseline).toHaveLength(12);
    for (const overridden of ['capabilities_baseline', 'seccompProfile_baseline', 'hostPathVolumes', 'procMount']) {
      expect(baseline).toContain(overridden);
      expect(restricted).not.toContain(overridden);
    }
    expect(restricted).toHaveLength(12 - 4 + 7);
  });

  it("applies overrides only from the overriding check's first version", () => {
    // capabilities_restricted from v1.22, seccompProfile_restricted from v1.19, procMount_restricted from v1.35.
    expect(ids('restricted', 'v1.21')).toContain('capabilities_baseline');
    expect(ids('restricted', 'v1.22')).not.toContain('capabilities_baseline');
    expect(ids('restricted', 'v1.18')).toContain('seccompProfile_baseline');
    expect(ids('restricted', 'v1.19')).not.toContain('seccompProfile_baseline');
    expect(ids('restricted', 'v1.34')).toContain('procMount');
    expect(ids('restricted', 'v1.35')).not.toContain('procMount');
    expect(ids('restricted', 'v1.0')).not.toContain('hostPathVolumes');
  });

  it('selects the newest implementation not newer than the version', () => {
    const sysctls = (v: string): string | undefined => checksFor('baseline', v).find((d) => d.id === 'sysctls')?.minVersion;
    expect([sysctls('v1.0'), sysctls('v1.26'), sysctls('v1.27'), sysctls('v1.31'), sysctls('v1.36'), sysctls('latest')]).toEqual([
      'v1.0',
      'v1.0',
      'v1.27',
      'v1.29',
      'v1.32',
      'v1.37',
    ]);
    expect(ids('baseline', 'v1.33')).not.toContain('hostProbesAndHostLifecycle');
    expect(ids('restricted', 'v1.7')).not.toContain('allowPrivilegeEscalation');
  });
});

describe('parsePssVersion', () => {
  it('resolves latest to the newest supported minor', () => {
    expect(PSS_LATEST_MINOR).toBe(37);
    expect(parsePssVersion('latest')).toEqual({ version: 'latest', minor: 37, resolved: 'v1.37' });
    expect(parsePssVersion('v1.0')).toEqual({ version: 'v1.0', minor: 0, resolved: 'v1.0' });
    expect(parsePssVersion('v1.25').resolved).toBe('v1.25');
  });

  it.each(['v1.38', 'v1.100', 'v2.0', 'v1.01', '1.30', 'v1', 'v1.x', '', 'Latest', ' v1.30'])('refuses %j, naming the supported range', (value) => {
    expect(() => parsePssVersion(value)).toThrow(PssVersionError);
    expect(() => parsePssVersion(value)).toThrow(/supported versions are "latest" and v1\.0 … v1\.37/);
    expect(() => checksFor('baseline', value)).toThrow(PssVersionError);
  });
});
