/**
 * Collects the policies of a folder module by module, as the loader receives them, and hands each
 * selected one to `prepare` at once (the build compiles it while later modules still load). Every
 * error is kept until `finish`, which reports it as collecting all modules first would have: a
 * duplicate name, then an empty folder, then a `--policy` pattern that matches nothing, then what
 * `prepare` threw for the first policy by name.
 */
import { join } from 'node:path';
import type { PolicyIR } from '@podsec/ir';
import { CliError } from './io.js';
import { policySelection } from './select.js';

export interface LoadedPolicy {
  ir: PolicyIR;
  file: string;
}

type Prepared<P> = { value: P } | { error: unknown };

export interface PolicyCollector<P> {
  /** The policies one module exports (`rel`: its path relative to the folder), in module order. */
  add(rel: string, irs: readonly PolicyIR[]): void;
  /** The selected policies' prepared values, sorted by policy name; throws the first error (see above). */
  finish(): P[];
}

export function policyCollector<P>(dir: string, select: readonly string[], prepare: (policy: LoadedPolicy) => P): PolicyCollector<P> {
  const byName = new Map<string, { file: string; prepared?: Prepared<P> }>();
  const selection = policySelection(select);
  let clash: CliError | undefined;
  return {
    add(rel, irs) {
      // Modules after a clash are not collected: the clash is what finish reports.
      if (clash) return;
      for (const policy of irs) {
        const ir: PolicyIR = { ...policy, source: rel };
        const earlier = byName.get(ir.name);
        if (earlier) {
          clash = new CliError(
            earlier.file === rel
              ? `${join(dir, rel)}: two different policies are named "${ir.name}" in this module; the later would silently replace the earlier. Fix: give each policy a unique name.`
              : `${join(dir, rel)}: policy name "${ir.name}" is already used by ${join(dir, earlier.file)}. Fix: give each policy a unique name.`,
          );
          return;
        }
        const entry: { file: string; prepared?: Prepared<P> } = { file: rel };
        if (selection.selectsName(ir.name)) {
          try {
            entry.prepared = { value: prepare({ ir, file: rel }) };
          } catch (error) {
            entry.prepared = { error };
          }
        }
        byName.set(ir.name, entry);
      }
    },
    finish() {
      if (clash) throw clash;
      if (byName.size === 0) throw new CliError(`${dir}: no policies found. Fix: export definePolicy(...) from .ts modules in that folder.`, 2);
      const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : 1));
      selection.checkAllUsed(names);
      const out: P[] = [];
      for (const name of names) {
        const prepared = byName.get(name)!.prepared;
        if (!prepared) continue;
        if ('error' in prepared) throw prepared.error;
        out.push(prepared.value);
      }
      return out;
    },
  };
}
