/**
 * How long podsec's outputs are for the Pod Security Standards library, in lines (blank lines and
 * `#` comment lines — the generated headers — excluded):
 * - per target (rego, gatekeeper, kyverno, kyverno-vpol, vap) for the whole PSS set;
 * - the ClusterPolicies next to kyverno/policies' hand-written ones for the same controls
 *   (../shared/conformance/kyverno), and the ratio of the totals.
 *
 *   pnpm exec tsx scripts/output-size.ts                 # build the PSS library in memory
 *   pnpm exec tsx scripts/output-size.ts --build DIR     # count an existing build directory instead
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicies } from '@podsec/compilers';
import { pssPolicies } from '@podsec/pss-library';

/** podsec PSS policy → kyverno/policies' ClusterPolicy for the same control (group/dir under conformance/kyverno). */
export const KYVERNO_COUNTERPARTS: Readonly<Record<string, string>> = {
  'pss-capabilities-baseline': 'baseline/disallow-capabilities',
  'pss-host-namespaces': 'baseline/disallow-host-namespaces',
  'pss-host-path-volumes': 'baseline/disallow-host-path',
  'pss-host-ports': 'baseline/disallow-host-ports',
  'pss-host-process': 'baseline/disallow-host-process',
  'pss-privileged': 'baseline/disallow-privileged-containers',
  'pss-proc-mount-baseline': 'baseline/disallow-proc-mount',
  'pss-selinux': 'baseline/disallow-selinux',
  'pss-apparmor': 'baseline/restrict-apparmor-profiles',
  'pss-seccomp-baseline': 'baseline/restrict-seccomp',
  'pss-sysctls': 'baseline/restrict-sysctls',
  'pss-capabilities-restricted': 'restricted/disallow-capabilities-strict',
  'pss-allow-privilege-escalation': 'restricted/disallow-privilege-escalation',
  'pss-run-as-user': 'restricted/require-run-as-non-root-user',
  'pss-run-as-non-root': 'restricted/require-run-as-nonroot',
  'pss-seccomp-restricted': 'restricted/restrict-seccomp-strict',
  'pss-restricted-volumes': 'restricted/restrict-volume-types',
};

export const TARGET_DIRS = ['rego', 'gatekeeper', 'kyverno', 'kyverno-vpol', 'vap'] as const;
export type TargetDir = (typeof TARGET_DIRS)[number];

/** Lines that say something: not blank, not a `#` comment. */
export function countLines(text: string): number {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).length;
}

/** A build's files as path → content: in memory (the PSS library) or read from a directory. */
export function pssBuildFiles(buildDir?: string): Map<string, string> {
  if (!buildDir) return new Map(buildPolicies(pssPolicies().map((p) => p.ir)).files.map((f) => [f.path, f.content]));
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(buildDir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(buildDir);
  return out;
}

const isPss = (path: string) => /(^|\/)pss-[^/]*\.(rego|yaml)$/.test(path);

/** Lines per target over the PSS policies' files. */
export function linesPerTarget(files: ReadonlyMap<string, string>): Record<TargetDir, number> {
  const out = Object.fromEntries(TARGET_DIRS.map((t) => [t, 0])) as Record<TargetDir, number>;
  for (const [path, content] of files) {
    const dir = path.split('/')[0] as TargetDir;
    if (TARGET_DIRS.includes(dir) && isPss(path)) out[dir] += countLines(content);
  }
  return out;
}

export interface ComparedPolicy {
  policy: string;
  podsec: number;
  counterpart?: string;
  kyvernoPolicies?: number;
}

/** Each PSS ClusterPolicy's lines beside its kyverno/policies counterpart's (when there is one). */
export function compareWithKyvernoPolicies(files: ReadonlyMap<string, string>, conformanceDir: string): ComparedPolicy[] {
  return [...files]
    .filter(([path]) => path.startsWith('kyverno/') && isPss(path))
    .map(([path, content]) => {
      const policy = path.slice('kyverno/'.length, -'.yaml'.length);
      const dir = KYVERNO_COUNTERPARTS[policy];
      if (!dir) return { policy, podsec: countLines(content) };
      const file = join(conformanceDir, dir, `${dir.split('/')[1]}.yaml`);
      if (!existsSync(file)) throw new Error(`${file}: kyverno/policies' ${dir} is missing. Fix: restore ../shared/conformance/kyverno`);
      return { policy, podsec: countLines(content), counterpart: dir, kyvernoPolicies: countLines(readFileSync(file, 'utf8')) };
    })
    .sort((a, b) => (a.policy < b.policy ? -1 : 1));
}

/** podsec lines / kyverno/policies lines over the policies that have a counterpart. */
export function sizeRatio(compared: readonly ComparedPolicy[]): { podsec: number; kyvernoPolicies: number; ratio: number } {
  const paired = compared.filter((c) => c.kyvernoPolicies !== undefined);
  const podsec = paired.reduce((n, c) => n + c.podsec, 0);
  const kyvernoPolicies = paired.reduce((n, c) => n + c.kyvernoPolicies!, 0);
  return { podsec, kyvernoPolicies, ratio: podsec / kyvernoPolicies };
}

function main(argv: readonly string[]): void {
  const at = argv.indexOf('--build');
  const buildDir = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !buildDir) throw new Error('--build needs a directory. Fix: scripts/output-size.ts --build generated');
  const conformance = fileURLToPath(new URL('../../shared/conformance/kyverno/', import.meta.url));
  const files = pssBuildFiles(buildDir);
  const perTarget = linesPerTarget(files);
  console.log(`PSS library (${buildDir ?? 'built in memory'}): lines per target, headers and comments excluded`);
  for (const t of TARGET_DIRS) console.log(`  ${t.padEnd(14)}${String(perTarget[t]).padStart(6)}`);
  const compared = compareWithKyvernoPolicies(files, conformance);
  console.log('\nClusterPolicy lines: podsec vs kyverno/policies');
  for (const c of compared)
    console.log(
      `  ${c.policy.padEnd(32)}${String(c.podsec).padStart(5)}  ${c.counterpart ? `${String(c.kyvernoPolicies).padStart(5)}  ${c.counterpart}` : '    -  (no counterpart)'}`,
    );
  const { podsec, kyvernoPolicies, ratio } = sizeRatio(compared);
  console.log(`\nratio over the ${compared.filter((c) => c.counterpart).length} paired controls: ${podsec} / ${kyvernoPolicies} = ${ratio.toFixed(3)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
