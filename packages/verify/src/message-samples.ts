/**
 * One sample message per violated rule of a run, for the report's summary: what a user sees when
 * the rule denies. A rule with a detail is shown naming containers when any fixture did, since
 * that is its usual form. Samples are the reference's texts (every engine that compares messages
 * reports the same), picked by fixture order so the report does not depend on which thread ran
 * which fixtures.
 */
import type { PolicyIR } from '@podsec/ir';
import type { ExpectedMessage } from './messages.js';

/** The reference's text for one rule, as the text report lists it. */
export interface MessageSample {
  policy: string;
  rule: string;
  message: string;
}

/** The first fixture (by index) that showed a rule's message: bare, and naming containers. */
export interface SeenMessage {
  key: string;
  fixture: number;
  message: string;
  /** Whether the text names containers (the rule's detail was rendered). */
  named: boolean;
}

const keyOf = (policy: string, rule: string) => `${policy}\0${rule}`;

/** The samples one run of fixtures saw; a chunk hands back `seen()` to be merged. */
export class MessageSamples {
  private readonly first = new Map<string, SeenMessage>();

  /** Records `messages` of `policy` seen on fixture `fixture`; `bare` is each rule's message without containers. */
  add(policy: string, fixture: number, messages: readonly ExpectedMessage[], bare: (rule: string) => string | undefined): void {
    for (const m of messages) {
      const named = m.message !== bare(m.rule);
      const key = keyOf(policy, m.rule) + (named ? '\0named' : '');
      this.keep({ key, fixture, message: m.message, named });
    }
  }

  merge(seen: readonly SeenMessage[]): void {
    for (const s of seen) this.keep(s);
  }

  private keep(s: SeenMessage): void {
    const had = this.first.get(s.key);
    if (!had || s.fixture < had.fixture) this.first.set(s.key, s);
  }

  seen(): SeenMessage[] {
    return [...this.first.values()];
  }

  /** One sample per rule that was violated, in policy and rule order: the naming form when seen. */
  list(irs: Iterable<PolicyIR>): MessageSample[] {
    const out: MessageSample[] = [];
    for (const ir of irs)
      for (const r of ir.rules) {
        const key = keyOf(ir.name, r.id);
        const s = this.first.get(`${key}\0named`) ?? this.first.get(key);
        if (s) out.push({ policy: ir.name, rule: r.id, message: s.message });
      }
    return out;
  }
}
