import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPolicies } from '@podsec/compilers';
import { loadBuildFromDir, loadBuildFromResult } from '../src/load.js';
import { PSS_IRS, SEED_IRS } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes a fresh build of the bundled library to a scratch directory, as `podsec build` would. */
function writtenBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podsec-load-'));
  dirs.push(dir);
  for (const f of buildPolicies([...SEED_IRS, ...PSS_IRS]).files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

const edit = (dir: string, rel: string, change: (text: string) => string) => writeFileSync(join(dir, rel), change(readFileSync(join(dir, rel), 'utf8')));

describe('loading a build', () => {
  it('reads the same build from disk as from memory', () => {
    const dir = writtenBuild();
    const mem = loadBuildFromResult(buildPolicies([...SEED_IRS, ...PSS_IRS]));
    const disk = loadBuildFromDir(dir);
    expect(disk.dir).toBe(dir);
    expect(disk.manifest).toEqual(mem.manifest);
    expect([...disk.irs.entries()]).toEqual([...mem.irs.entries()]);
    expect(disk.irs.size).toBe(SEED_IRS.length + PSS_IRS.length);
    for (const [path, text] of disk.files) expect([path, text]).toEqual([path, mem.files.get(path)]);
    expect(disk.manifest.bundles?.['pss-restricted']).toHaveLength(15);
  });

  it('names the directory when there is no build there', () => {
    expect(() => loadBuildFromDir('/nonexistent/podsec-build')).toThrow(
      '/nonexistent/podsec-build: no such build directory. Fix: pass the --out DIR of `podsec build`.',
    );
    const empty = mkdtempSync(join(tmpdir(), 'podsec-empty-'));
    dirs.push(empty);
    expect(() => loadBuildFromDir(empty)).toThrow(
      `${join(empty, 'manifest.json')}: missing; ${empty} is not a podsec build directory. Fix: run \`podsec build POLICY_DIR --out DIR\` again.`,
    );
  });

  it('names the file and the path inside it for a malformed manifest', () => {
    const dir = writtenBuild();
    edit(dir, 'manifest.json', (t) => t.replace('"policies": [', '"policies": [,'));
    expect(() => loadBuildFromDir(dir)).toThrow(new RegExp(`^${join(dir, 'manifest.json')}: not valid JSON`));
    const dir2 = writtenBuild();
    edit(dir2, 'manifest.json', (t) => JSON.stringify({ ...JSON.parse(t), policies: [{ name: 'x' }] }));
    expect(() => loadBuildFromDir(dir2)).toThrow(`${join(dir2, 'manifest.json')}: .policies[0] needs a string "name" and "ir": {"file": ...}.`);
    const dir3 = writtenBuild();
    edit(dir3, 'manifest.json', (t) => JSON.stringify({ ...JSON.parse(t), bundles: { 'pss-baseline': ['no-such-policy'] } }));
    expect(() => loadBuildFromDir(dir3)).toThrow(
      `${join(dir3, 'manifest.json')}: .bundles.pss-baseline[0] names policy "no-such-policy", which the manifest does not list.`,
    );
  });

  it('names a missing IR file and the manifest entry that lists it', () => {
    const dir = writtenBuild();
    rmSync(join(dir, 'ir', 'pss-privileged.json'));
    expect(() => loadBuildFromDir(dir)).toThrow(`${join(dir, 'ir', 'pss-privileged.json')}: missing, but ${join(dir, 'manifest.json')} .policies[`);
  });

  it('reports a hand-edited IR with the JSON path of the problem', () => {
    const dir = writtenBuild();
    edit(dir, 'ir/pss-privileged.json', (t) => t.replace('"mode": "enforce"', '"mode": "block"'));
    expect(() => loadBuildFromDir(dir)).toThrow(/ir\/pss-privileged\.json: not a valid podsec policy IR:\n {2}- \/mode /);
    const dir2 = writtenBuild();
    edit(dir2, 'ir/pss-privileged.json', (t) => t.replace('"name": "pss-privileged"', '"name": "renamed"'));
    expect(() => loadBuildFromDir(dir2)).toThrow(
      `${join(dir2, 'ir', 'pss-privileged.json')}: .name is "renamed" but the manifest lists it as "pss-privileged".`,
    );
  });
});
