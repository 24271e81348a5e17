/**
 * What a reviewer reads in a GitOps diff: the bundled library as ValidatingAdmissionPolicy and Kyverno
 * ValidatingPolicy has no line longer than 160 characters outside user text (messages and details;
 * long expressions are laid out over lines, long descriptions folded), no empty annotation, and no
 * annotation repeated under two prefixes.
 */
import { describe, expect, it } from '@jest/globals';
import type { PolicyIR } from '@podsec/ir';
import { parseAllDocuments } from 'yaml';
import pss from '../../../../policies/pss/index.js';
import psp from '../../../../policies/psp/index.js';
import dropAll from '../../../../policies/seed/require-drop-all-capabilities.js';
import noEscalation from '../../../../policies/seed/disallow-privilege-escalation.js';
import nonRoot from '../../../../policies/seed/require-run-as-non-root.js';
import seccomp from '../../../../policies/seed/restrict-seccomp-profiles.js';
import groups from '../../../../policies/seed/require-supplemental-groups-strict.js';
import { buildPolicies } from '../../src/index.js';
import { celString } from '../../src/cel/index.js';
import { generatedNames } from '../../src/shared/names.js';
import { vapCompiler } from '../../src/vap/index.js';
import { vpolCompiler } from '../../src/vpol/index.js';

const MAX_LINE = 160;
const LIBRARY: PolicyIR[] = [...pss, ...psp, dropAll, noEscalation, nonRoot, seccomp, groups].map((p) => p.ir);
/** Every file the build writes (parameterised PSP templates compiled per instance, as `podsec build` does). */
const BUILD = buildPolicies(LIBRARY, { targets: [vapCompiler, vpolCompiler] }).files;
/** The user text the outputs may quote: every rule's message and detail. */
const TEXTS = [...new Set(LIBRARY.flatMap((ir) => ir.rules.flatMap((r) => [r.message, ...(r.detail ? [` ${r.detail})`, r.detail] : [])])))].sort(
  (a, b) => b.length - a.length,
);

/** A line's length once the rule messages and details it quotes are taken out: user text is exempt. */
function codeLength(line: string, texts: readonly string[]): number {
  // `message:` values are the message itself; long descriptions fold like any other prose.
  if (/^\s*message: /.test(line)) return 0;
  let code = line;
  for (const t of texts) {
    const quoted = celString(t).slice(1, -1);
    code = code.split(quoted).join('');
  }
  return code.length;
}

describe.each([
  ['vap', vapCompiler],
  ['vpol', vpolCompiler],
] as const)('%s output of the bundled library', (_name, compiler) => {
  const outputs = BUILD.filter((f) => f.path.startsWith(`${compiler.dir}/`));

  it('has the whole library', () => {
    expect(outputs.length).toBeGreaterThan(60);
  });

  it(`has no line longer than ${MAX_LINE} characters outside message text`, () => {
    const long: string[] = [];
    for (const file of outputs) {
      file.content.split('\n').forEach((line, i) => {
        if (codeLength(line, TEXTS) > MAX_LINE) long.push(`${file.path}:${i + 1} (${line.length} chars): ${line.slice(0, 80)}…`);
      });
    }
    expect(long).toEqual([]);
  });

  it('emits no empty annotation and no annotation under two prefixes', () => {
    for (const file of outputs) {
      for (const doc of parseAllDocuments(file.content)) {
        const annotations = ((doc.toJS() as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {}) as Record<string, string>;
        expect({ file: file.path, empty: Object.keys(annotations).filter((k) => annotations[k] === '') }).toEqual({ file: file.path, empty: [] });
        const suffixes = Object.keys(annotations).map((k) => k.slice(k.indexOf('/') + 1));
        expect({ file: file.path, repeated: suffixes.filter((s, i) => suffixes.indexOf(s) !== i) }).toEqual({ file: file.path, repeated: [] });
      }
    }
  });

  it('leaves out an empty description rather than writing ""', () => {
    const ir: PolicyIR = { ...LIBRARY[0]!, description: '' };
    const text = compiler.compile(ir, generatedNames(ir)).files[0]!.content;
    expect(text).not.toMatch(/description: ""/);
    expect(text).not.toMatch(/description:\s*$/m);
  });
});
