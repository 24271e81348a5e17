import { parseAllDocuments } from 'yaml';
import type { PolicyIR } from '@podsec/ir';
import { generatedNames } from '../../src/shared/names.js';
import type { TargetCompiler } from '../../src/shared/target.js';
import { vapCompiler } from '../../src/vap/index.js';
import { vpolCompiler } from '../../src/vpol/index.js';

export type Doc = Record<string, unknown> & { kind: string; spec: Record<string, unknown> };

/** Compiles and parses the emitted YAML back, so tests see exactly what a cluster would read. */
export function emit(target: TargetCompiler, ir: PolicyIR): { text: string; docs: Doc[]; manifest: Record<string, unknown> } {
  const out = target.compile(ir, generatedNames(ir));
  if (out.files.length !== 1) throw new Error(`expected one file from ${target.id}, got ${out.files.length}`);
  const text = out.files[0]!.content;
  const docs = parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${out.files[0]!.path}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Doc;
  });
  return { text, docs, manifest: out.manifest };
}

/** The policy document (VAP or ValidatingPolicy) of each CEL target. */
export const CEL_TARGETS: readonly { name: string; target: TargetCompiler; policyDoc: (docs: Doc[]) => Doc }[] = [
  { name: 'vap', target: vapCompiler, policyDoc: (docs) => docs.find((d) => d.kind === 'ValidatingAdmissionPolicy')! },
  { name: 'vpol', target: vpolCompiler, policyDoc: (docs) => docs.find((d) => d.kind === 'ValidatingPolicy')! },
];
