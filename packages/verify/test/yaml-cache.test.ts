import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { parsedYamlOf, seedYaml, yamlDocuments, yamlFilesOf } from '../src/adapters/admission.js';
import { ArrivingYaml, parseYamlShare, tookYaml, yamlCounters } from '../src/yaml-share.js';
import { buildOf, SEED_IRS } from './support.js';

const fresh = () => buildOf(SEED_IRS.slice(0, 1));

describe('YAML of a build parsed once per build', () => {
  it('gives each caller its own copy of what the yaml library parses', () => {
    const build = fresh();
    const file = [...build.files.keys()].find((f) => f.startsWith('kyverno/'))!;
    const expected = parseAllDocuments(build.files.get(file)!).map((d) => d.toJS());
    const first = yamlDocuments(build, file);
    expect(first).toEqual(expected);
    (first[0] as Record<string, unknown>).kind = 'Changed';
    expect(yamlDocuments(build, file)).toEqual(expected);
  });

  it('hands a worker the parsed files, errors included, with the messages a parse of its own gives', () => {
    const build = fresh();
    build.files.set('vap/broken.yaml', 'a: [1\n');
    const worker = structuredClone(build);
    const parsed = structuredClone(parsedYamlOf(build));
    expect(parsed.map(([f]) => f)).toContain('vap/broken.yaml');
    seedYaml(worker, parsed);
    const file = [...build.files.keys()].find((f) => f.startsWith('gatekeeper/constraints/'))!;
    expect(yamlDocuments(worker, file)).toEqual(yamlDocuments(build, file));
    const message = (b: typeof build) => {
      try {
        yamlDocuments(b, 'vap/broken.yaml');
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(message(build)).toMatch(/^vap\/broken\.yaml: invalid YAML: /);
    expect(message(worker)).toBe(message(build));
  });

  it('uses seeded documents for the text they were parsed from, and parses a file edited since', () => {
    const build = fresh();
    const file = [...build.files.keys()].find((f) => f.startsWith('vap/'))!;
    seedYaml(build, [[file, { docs: [{ seeded: true }] }]]);
    expect(yamlDocuments(build, file)).toEqual([{ seeded: true }]);
    build.files.set(file, 'kind: Edited\n');
    expect(yamlDocuments(build, file)).toEqual([{ kind: 'Edited' }]);
  });

  it('names a file the manifest lists but the build lacks', () => {
    expect(() => yamlDocuments(fresh(), 'kyverno/missing.yaml')).toThrow(
      'kyverno/missing.yaml: listed in manifest.json but missing from the build. Fix: rebuild with `podsec build`.',
    );
  });
});

describe('YAML parsing shared between threads (yaml-share.ts)', () => {
  it('gives every file to exactly one taker, and tells which workers took any', () => {
    const build = buildOf(SEED_IRS);
    const files = yamlFilesOf(build);
    expect(files.length).toBeGreaterThan(4);
    const counters = yamlCounters(2);
    // Worker 0 has taken the first files when the main thread starts on the rest; worker 1 comes too late.
    const early: ReturnType<typeof parseYamlShare> = [];
    for (let k = 0; k < 3; k++) {
      Atomics.add(counters, 1, 1);
      const i = Atomics.add(counters, 0, 1);
      early.push([files[i]!, { docs: [] }]);
    }
    const main = parseYamlShare(build, counters);
    const late = parseYamlShare(build, counters, 1);
    expect(late).toEqual([]);
    expect([tookYaml(counters, 0), tookYaml(counters, 1)]).toEqual([true, false]);
    expect([...early, ...main].map(([f]) => f)).toEqual(files);
    expect(main).toEqual(parsedYamlOf(buildOf(SEED_IRS)).slice(3));
  });
});

describe('ArrivingYaml (a worker receiving the other threads’ parsed files)', () => {
  it('is done once it holds every file, and otherwise waits for the main thread to say nothing more comes', async () => {
    const build = buildOf(SEED_IRS);
    const all = parsedYamlOf(buildOf(SEED_IRS));
    const own = all.slice(0, 2);
    // One worker: its own share and the main thread's are every file.
    const one = new ArrivingYaml();
    one.receive(all.slice(2), false);
    await one.into(build, own);
    // Two workers: the other one's share comes with the main thread's last message.
    const two = new ArrivingYaml();
    two.receive(all.slice(2, 4), false);
    let done = false;
    const waiting = two.into(buildOf(SEED_IRS), own).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    two.receive(all.slice(4), true);
    await waiting;
    expect(done).toBe(true);
  });
});
