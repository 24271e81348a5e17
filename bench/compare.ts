/**
 * The benchmark history: every result file is committed, so the figure a benchmark printed last
 * time is `git show HEAD:bench/results/<name>.json`. This module reads it and lines each new
 * figure up beside it. Pure except for `previousResult`, which asks git.
 */
import { execFileSync } from 'node:child_process';

/** Keys that describe the run rather than measure it: never compared. */
const NOT_FIGURES = new Set(['date', 'machine', 'commit', 'dirty', 'node', 'seed', 'loadAverageAtEnd']);

/** Every numeric leaf of a result, by dotted path (`verify.evaluationsPerSecond`). */
export function numericFigures(value: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) out.set(prefix, value);
  else if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) {
      if (!prefix && NOT_FIGURES.has(k)) continue;
      numericFigures(v, prefix ? `${prefix}.${k}` : k, out);
    }
  return out;
}

export interface FigureRow {
  figure: string;
  current: number;
  /** Absent when the previous result did not have this figure (new benchmark or new figure). */
  previous?: number;
  /** (current - previous) / previous, when both exist and previous is not 0. */
  change?: number;
}

/**
 * The figures to show: `headline` paths when given (in that order, missing ones left out), else
 * every numeric figure of the current result.
 */
export function compareFigures(previous: unknown, current: unknown, headline?: readonly string[]): FigureRow[] {
  const now = numericFigures(current);
  const before = previous === undefined ? new Map<string, number>() : numericFigures(previous);
  const paths = headline ? headline.filter((p) => now.has(p)) : [...now.keys()];
  return paths.map((figure) => {
    const c = now.get(figure)!;
    const p = before.get(figure);
    return { figure, current: c, ...(p !== undefined ? { previous: p, ...(p !== 0 ? { change: (c - p) / p } : {}) } : {}) };
  });
}

/** Headline paths that name no numeric figure of the result (a typo, or a figure renamed). */
export function missingHeadline(current: unknown, headline?: readonly string[]): string[] {
  const now = numericFigures(current);
  return (headline ?? []).filter((p) => !now.has(p));
}

const shown = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 1));

/** One line per figure: `figure  previous → current  (+x.x%)`. */
export function formatComparison(name: string, rows: readonly FigureRow[], previousFrom?: string): string {
  const head = `${name}: previous figures ${previousFrom ? `from ${previousFrom}` : 'none (no committed result at HEAD)'}\n`;
  const width = Math.max(0, ...rows.map((r) => r.figure.length));
  return (
    head +
    rows
      .map((r) => {
        const before = r.previous === undefined ? '—' : shown(r.previous);
        const change = r.change === undefined ? '' : `  (${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%)`;
        return `  ${r.figure.padEnd(width)}  ${before.padStart(12)} → ${shown(r.current)}${change}`;
      })
      .join('\n') +
    '\n'
  );
}

/** The result committed at `ref` (default HEAD) for bench/results/<name>.json, and where it came from. */
export function previousResult(name: string, repo: string, ref = 'HEAD'): { result: unknown; from: string } | undefined {
  const path = `bench/results/${name}.json`;
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let text: string;
  try {
    text = git(['show', `${ref}:${path}`]);
  } catch {
    return undefined;
  }
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    return undefined;
  }
  const commit = git(['log', '-1', '--format=%h', ref, '--', path]).trim();
  return { result, from: `${path} at ${commit || ref}` };
}
