import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_MACHINERY, BENCHMARKS } from '../bench/benchmarks.js';
import { compareFigures, formatComparison, missingHeadline, numericFigures, previousResult } from '../bench/compare.js';
import { tempDir } from './support/tmp.js';

describe("bench harness: the previous commit's figures beside the new ones", () => {
  it('lines up every numeric figure by path, with the change, and skips run metadata', () => {
    const previous = { ms: { verifyWall: 200 }, peakRssMiB: 400, date: 'x', machine: { cpus: 2 }, commit: 'abc' };
    const current = { ms: { verifyWall: 50 }, peakRssMiB: 400, newFigure: 3, date: 'y', machine: { cpus: 2 }, commit: 'def', list: [1, 2] };
    expect([...numericFigures(current).keys()]).toEqual(['ms.verifyWall', 'peakRssMiB', 'newFigure']);
    expect(compareFigures(previous, current)).toEqual([
      { figure: 'ms.verifyWall', current: 50, previous: 200, change: -0.75 },
      { figure: 'peakRssMiB', current: 400, previous: 400, change: 0 },
      { figure: 'newFigure', current: 3 },
    ]);
    expect(compareFigures(undefined, current, ['peakRssMiB', 'missing'])).toEqual([{ figure: 'peakRssMiB', current: 400 }]);
    const text = formatComparison('verify', compareFigures(previous, current, ['ms.verifyWall']), 'bench/results/verify.json at abc1234');
    expect(text).toBe('verify: previous figures from bench/results/verify.json at abc1234\n  ms.verifyWall           200 → 50  (-75.0%)\n');
  });

  it('names the headline figures a result lacks, so a typo cannot silently drop a comparison', () => {
    const current = { runs: { '1000': { seconds: 9.5 } }, slope: { mbPerPolicy: 0.2 } };
    expect(missingHeadline(current, ['runs.1000.seconds', 'slope.mbPerPolicy'])).toEqual([]);
    expect(missingHeadline(current, ['runs.1000.seconds', 'runs.1000.secs', 'slope'])).toEqual(['runs.1000.secs', 'slope']);
    expect(missingHeadline(current)).toEqual([]);
  });

  it('runs every benchmark in bench/, each writing its own result through writeBenchResult', () => {
    const bench = new URL('../bench/', import.meta.url);
    const scripts = readdirSync(bench)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .filter((n) => !(BENCH_MACHINERY as readonly string[]).includes(n))
      .sort();
    expect([...BENCHMARKS].sort()).toEqual(scripts);
    // writeBenchResult is what prints the previous commit's figures beside the new ones.
    for (const name of BENCHMARKS) expect(readFileSync(new URL(`${name}.ts`, bench), 'utf8')).toContain(`writeBenchResult('${name}'`);
  });

  it('reads the previous result from the commit, not from the working tree', () => {
    const repo = tempDir('podsec-bench-history');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    expect(previousResult('verify', repo)).toBeUndefined();
    mkdirSync(join(repo, 'bench', 'results'), { recursive: true });
    const file = join(repo, 'bench', 'results', 'verify.json');
    writeFileSync(file, JSON.stringify({ ms: { verifyWall: 120 } }));
    git('add', '.');
    git('commit', '-qm', 'first');
    // A new, uncommitted result: the comparison must still be against the committed one.
    writeFileSync(file, JSON.stringify({ ms: { verifyWall: 60 } }));
    const prev = previousResult('verify', repo)!;
    expect(prev.result).toEqual({ ms: { verifyWall: 120 } });
    expect(prev.from).toMatch(/^bench\/results\/verify\.json at [0-9a-f]{7,}$/);
    expect(compareFigures(prev.result, { ms: { verifyWall: 60 } })).toEqual([{ figure: 'ms.verifyWall', current: 60, previous: 120, change: -0.5 }]);
  });
});
