/** Plain-text pieces shared by the text, JUnit and HTML reports. */
import { stringify } from 'yaml';
import { type DisagreementKind, KIND_MARKS, type MessageMismatch } from '../messages.js';
import type { EngineDecision } from '../types.js';
import type { Disagreement, ReferenceDecision } from '../verify.js';

export function objectYaml(object: unknown): string {
  return stringify(object, { lineWidth: 0 });
}

export function disagreementTitle(d: Disagreement): string {
  const f = d.fixture;
  const extra = [
    f.occurrences !== undefined ? `${f.occurrences} random object(s)` : '',
    f.seed !== undefined ? `seed ${f.seed}` : '',
    f.path ? `path ${f.path}` : '',
  ].filter(Boolean);
  return `${d.policy} × ${d.engines.join(', ')} — ${f.group}: ${f.name}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/**
 * One line per verdict: `rego: violated [rule-a] — agrees`, then its messages and evidence. A
 * disagreeing verdict says why (`DISAGREES (message)`); each message at fault is followed by the
 * reference's text for its rule, or by why it could not be compared.
 */
export function verdictLine(
  label: string,
  d: EngineDecision | ReferenceDecision,
  kind: DisagreementKind | undefined,
  mismatches: readonly MessageMismatch[] = [],
): string {
  const rules = d.violations.length ? ` [${d.violations.map((v) => v.rule).join(', ')}]` : '';
  const mark = kind ? KIND_MARKS[kind] : 'agrees';
  const action = d.action ? ` → ${d.action}` : '';
  const files = 'files' in d && d.files?.length ? ` (${d.files.join(', ')})` : '';
  const lines = [`${label}${files}: ${d.outcome}${action}${rules} — ${mark}`];
  if (d.error) lines.push(`    error: ${d.error}`);
  if (d.skipReason) lines.push(`    skip: ${d.skipReason}`);
  if ('actionSource' in d && d.actionSource) lines.push(`    action from ${d.actionSource.file}: ${d.actionSource.path} = ${d.actionSource.found}`);
  const own = mismatches.filter((m) => m.engine === label);
  for (const v of d.violations) {
    lines.push(`    message (${v.rule}): ${v.message}`);
    // A bundle verdict's violations are named by member policy, its mismatches by `member/rule`.
    const m = own.find((x) => x.found === v.message && (x.rule === v.rule || x.rule.startsWith(`${v.rule}/`)));
    if (!m) continue;
    const which = m.rule === v.rule ? '' : ` for ${m.rule}`;
    lines.push(
      m.expected === undefined ? `      not an IR rule of ${d.policy}: the message cannot be compared` : `      expected (reference${which}): ${m.expected}`,
    );
  }
  if (kind === 'untraced' && !d.violations.length) lines.push('    no violation reported: the messages cannot be compared');
  for (const e of d.evidence ?? []) lines.push(`    evidence: ${e}`);
  return lines.join('\n');
}

export function expectedLine(d: Disagreement): string {
  const e = d.expected;
  const action = e.action ? ` → ${e.action}${e.skipReason ? ` (${e.skipReason})` : ''}` : '';
  return `expected (${e.source}): ${e.outcome}${action}${e.rules.length ? ` [${e.rules.join(', ')}]` : ''}`;
}

export function disagreementDetails(d: Disagreement): string {
  const verdicts = [
    expectedLine(d),
    ...(d.reference ? [verdictLine('reference', d.reference, d.kinds.reference)] : []),
    ...d.decisions.map((x) => verdictLine(x.engine, x, d.kinds[x.engine], d.messages)),
  ];
  return `${verdicts.join('\n')}\nobject:\n${objectYaml(d.object).trimEnd().replace(/^/gm, '  ')}`;
}
