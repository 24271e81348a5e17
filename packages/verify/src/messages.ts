/**
 * The message half of verify's comparison. Every target reports, for each violated rule, the one
 * text the reference renders (renderRuleMessage: the rule's message, and its detail naming the
 * offending containers); an engine whose adapter sets `comparesMessages` is held to it. A
 * violation that names no IR rule cannot be held to anything, so for those engines it is a
 * disagreement of its own (fail closed) rather than skipped.
 */
import type { EngineDecision, EngineId } from './types.js';

/** Why an engine disagrees, most basic first: the first that applies is the one reported. */
export type DisagreementKind = 'error' | 'outcome' | 'action' | 'rules' | 'untraced' | 'message';

/** How each kind reads in a verdict line. */
export const KIND_MARKS: Readonly<Record<DisagreementKind, string>> = {
  error: 'ERROR (counts as a disagreement)',
  outcome: 'DISAGREES',
  action: 'DISAGREES (action)',
  rules: 'DISAGREES (violated rules)',
  untraced: 'DISAGREES (violation not traced to an IR rule)',
  message: 'DISAGREES (message)',
};

/** The reference's message for one violated rule. */
export interface ExpectedMessage {
  rule: string;
  message: string;
}

/** One violation whose text is not the reference's, or (no `expected`) that names no IR rule. */
export interface MessageMismatch {
  engine: EngineId;
  /** The IR rule id; for a bundle verdict, `member-policy/rule`. */
  rule: string;
  /** The reference's text for the rule; absent when the violation could not be traced to one. */
  expected?: string;
  found: string;
}

export const messagesByRule = (messages: readonly ExpectedMessage[]): ReadonlyMap<string, string> => new Map(messages.map((m) => [m.rule, m.message]));

/**
 * The violations of `d` that do not carry the reference's text for their rule. `expected` holds the
 * reference's message per violated rule; a violation of a rule the reference does not find violated
 * is a rule disagreement, decided before messages are looked at, and is not repeated here.
 */
export function messageMismatches(d: EngineDecision, expected: ReadonlyMap<string, string>, prefix = ''): MessageMismatch[] {
  const out: MessageMismatch[] = [];
  for (const v of d.violations) {
    const want = expected.get(v.rule);
    if (want !== undefined && want !== v.message) out.push({ engine: d.engine, rule: prefix + v.rule, expected: want, found: v.message });
  }
  return out;
}

/** The violations of `d` that name no rule of `known` (a violated decision with none names nothing at all). */
export function untracedViolations(d: EngineDecision, known: ReadonlySet<string>, prefix = ''): MessageMismatch[] {
  return d.violations.filter((v) => !known.has(v.rule)).map((v) => ({ engine: d.engine, rule: prefix + v.rule, found: v.message }));
}
