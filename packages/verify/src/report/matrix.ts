/**
 * The policy × engine × group view every report renders, computed once from a VerifyResult so
 * the text, JUnit and HTML reports cannot drift apart.
 */
import type { FixtureGroup } from '../fixtures/types.js';
import { FIXTURE_GROUPS } from '../fixtures/types.js';
import type { GroupCount, Verdicter, VerifyResult } from '../verify.js';

export type CellStatus = 'agree' | 'disagree' | 'not run' | 'empty';

export interface Cell {
  status: CellStatus;
  evaluated: number;
  disagree: number;
  errors: number;
}

export interface Matrix {
  /** Policies and bundles, in result order. */
  rows: string[];
  columns: Verdicter[];
  groups: FixtureGroup[];
  notRun: Set<string>;
  cell(row: string, column: Verdicter, group?: FixtureGroup): Cell;
  /** All rows of one column and group together. */
  groupCell(column: Verdicter, group: FixtureGroup): Cell;
}

function summed(cells: readonly { evaluated: number; disagree: number; errors: number }[]): Cell {
  const evaluated = cells.reduce((n, c) => n + c.evaluated, 0);
  const disagree = cells.reduce((n, c) => n + c.disagree, 0);
  const errors = cells.reduce((n, c) => n + c.errors, 0);
  return { status: evaluated === 0 ? 'empty' : disagree ? 'disagree' : 'agree', evaluated, disagree, errors };
}

export function buildMatrix(result: VerifyResult): Matrix {
  const counts = new Map<string, GroupCount[]>();
  for (const c of result.counts) {
    const key = `${c.policy}\0${c.engine}`;
    (counts.get(key) ?? counts.set(key, []).get(key)!).push(c);
  }
  const bundles = [...new Set(result.counts.map((c) => c.policy).filter((p) => !result.policies.includes(p)))].sort();
  const hasReference = result.counts.some((c) => c.engine === 'reference');
  const columns: Verdicter[] = [...(hasReference ? ['reference' as const] : []), ...result.engines.map((e) => e.id)];
  const notRun = new Set(result.engines.filter((e) => e.status === 'not run').map((e) => e.id as string));
  const groups = FIXTURE_GROUPS.filter((g) => result.counts.some((c) => c.group === g));
  const rows = [...result.policies, ...bundles];
  return {
    rows,
    columns,
    groups,
    notRun,
    cell(row, column, group) {
      if (notRun.has(column)) return { status: 'not run', evaluated: 0, disagree: 0, errors: 0 };
      return summed((counts.get(`${row}\0${column}`) ?? []).filter((c) => !group || c.group === group));
    },
    groupCell(column, group) {
      if (notRun.has(column)) return { status: 'not run', evaluated: 0, disagree: 0, errors: 0 };
      return summed(rows.map((r) => this.cell(r, column, group)));
    },
  };
}
