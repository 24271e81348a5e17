/**
 * Reviewers read generated Rego and ConstraintTemplates in diffs: no line of the bundled library's
 * rego and gatekeeper outputs is longer than 160 characters, message text excepted (a rule's
 * message, detail and containerMessage texts stay whole, as written).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { buildPolicies, TARGETS } from '@podsec/compilers';
import { isPolicy } from '@podsec/dsl';
import type { PolicyIR } from '@podsec/ir';
import psp from '../policies/psp/index.js';
import pss from '../policies/pss/index.js';
import { LINE_LIMIT } from '../packages/compilers/src/rego/layout.js';
import { regoString } from '../packages/compilers/src/rego/strings.js';

const seedDir = new URL('../policies/seed/', import.meta.url);
const seed = await Promise.all(
  readdirSync(seedDir)
    .filter((f) => f.endsWith('.ts'))
    .map(async (f) => ((await import(new URL(f, seedDir).href)) as { default: unknown }).default),
);
const irs: PolicyIR[] = [...pss, ...psp, ...seed].filter(isPolicy).map((p) => p.ir);

/** The line with every rule's message and detail literal removed. */
function withoutMessages(line: string, messages: readonly string[]): string {
  return messages.reduce((l, m) => l.split(m).join('""'), line);
}

describe('rego and gatekeeper outputs of the bundled library', () => {
  it(`have no line longer than ${LINE_LIMIT} characters outside message text`, () => {
    expect(irs.length).toBeGreaterThan(60);
    const result = buildPolicies(irs, { targets: TARGETS.filter((t) => t.id === 'rego' || t.id === 'gatekeeper') });
    const texts = (r: PolicyIR['rules'][number]) => (r.containerMessage ?? []).flatMap((p) => (p.kind === 'text' ? [p.text] : []));
    const messages = irs.flatMap((ir) => ir.rules.flatMap((r) => [r.message, ...(r.detail ? [r.detail] : []), ...texts(r)])).map(regoString);
    const long: string[] = [];
    let lines = 0;
    for (const file of result.files.filter((f) => /^(rego|gatekeeper)\//.test(f.path))) {
      file.content.split('\n').forEach((line, i) => {
        lines += 1;
        const rest = withoutMessages(line, messages);
        if (rest.length > LINE_LIMIT) long.push(`${file.path}:${i + 1} (${rest.length}): ${line.slice(0, 100)}…`);
      });
    }
    expect(lines).toBeGreaterThan(10_000);
    expect(long).toEqual([]);
  });
});
