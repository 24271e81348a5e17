import type { PssMinorVersion, PssVersion } from './types.js';

/** The newest policy version we implement; `latest` resolves to it. Upstream's v1.37 is the newest
 *  testdata directory in kubernetes/pod-security-admission at the commit our conformance data comes from. */
export const PSS_LATEST_MINOR = 37;

/** Upstream `api.ParseVersion` accepts exactly this (no leading zeros, major 1 only). */
const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;

export interface ParsedPssVersion {
  /** As requested. */
  readonly version: PssVersion;
  /** The minor number the checks are selected for. */
  readonly minor: number;
  /** `v1.<minor>`. */
  readonly resolved: PssMinorVersion;
}

export class PssVersionError extends Error {
  override readonly name = 'PssVersionError';
}

/**
 * Parses a policy version. Upstream clamps versions newer than its newest check to that check's
 * version; we refuse them instead, because we cannot know what a future minor will change, and a
 * policy claiming to match "v1.40" must not silently be compared against v1.37 semantics.
 */
export function parsePssVersion(value: string): ParsedPssVersion {
  if (value === 'latest') {
    return { version: 'latest', minor: PSS_LATEST_MINOR, resolved: minorName(PSS_LATEST_MINOR) };
  }
  const match = VERSION_PATTERN.exec(value);
  const minor = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(minor) || minor > PSS_LATEST_MINOR) {
    throw new PssVersionError(
      `unsupported Pod Security version ${JSON.stringify(value)}: supported versions are "latest" and ` +
        `v1.0 … ${minorName(PSS_LATEST_MINOR)} (written "v1.<minor>", as in the namespace label ` +
        `pod-security.kubernetes.io/enforce-version)`,
    );
  }
  return { version: minorName(minor), minor, resolved: minorName(minor) };
}

export function minorName(minor: number): PssMinorVersion {
  return `v1.${minor}`;
}

/** The minor number of a `v1.N` string already known to be well-formed (the check table's own). */
export function minorOf(version: PssMinorVersion): number {
  return Number(version.slice(3));
}
