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
  /** Disagreements about a message only. */
  messages: number;
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

type Counts = Pick<Cell, 'evaluated' | 'disagree' | 'errors' | 'messages'>;

export const NOT_RUN: Cell = { status: 'not run', evaluated: 0, disagree: 0, errors: 0, messages: 0 };

export function summed(cells: readonly Counts[]): Cell {
  const sum = (k: keyof Counts) => cells.reduce((n, c) => n + c[k], 0);
  const [evaluated, disagree, errors, messages] = [sum('evaluated'), sum('disagree'), sum('errors'), sum('messages')];
  return { status: evaluated === 0 ? 'empty' : disagree ? 'disagree' : 'agree', evaluated, disagree, errors, messages };
}

/** `(2 err, 1 msg)`: how many of a cell's disagreements were engine errors and message mismatches. */
export function disagreementNote(c: Cell): string {
  const parts = [c.errors ? `${c.errors} err` : '', c.messages ? `${c.messages} msg` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
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
      if (notRun.has(column)) return NOT_RUN;
      return summed((counts.get(`${row}\0${column}`) ?? []).filter((c) => !group || c.group === group));
    },
    groupCell(column, group) {
      if (notRun.has(column)) return NOT_RUN;
      return summed(rows.map((r) => this.cell(r, column, group)));
    },
  };
}
