/**
 * When the rego and gatekeeper adapters may put every policy into one Wasm module (each object
 * then serialised and parsed once for all of them, see loadRegoBatch in @podsec/rego).
 */

/** The package a Rego source declares; undefined when it has none. */
const packageOf = (text: string) => /^\s*package\s+(\S+)/m.exec(text)?.[1];

/** A reference into `data` outside a comment: merged, the module could see the other policies' rules. */
const READS_DATA = /^(?!\s*#).*(?<![\w.])data\./m;

/**
 * Merging cannot change a decision when every source declares its own package (two in one package
 * would share rules) and none reads `data` (a Gatekeeper lib shared by two templates,
 * data.inventory, a rule of another policy).
 */
export function mergeable(sources: readonly string[]): boolean {
  const packages = sources.map(packageOf);
  if (packages.some((p) => p === undefined)) return false;
  return new Set(packages).size === packages.length && !sources.some((t) => READS_DATA.test(t));
}

/**
 * The batch's results, or none when it refused the input as a whole (not JSON): `refused` is told
 * why, and every policy of the batch then decides `error` with that reason.
 */
export function tryBatch<T>(run: () => T[], refused?: (e: unknown) => void): T[] {
  try {
    return run();
  } catch (e) {
    refused?.(e);
    return [];
  }
}

/** The error a policy of a batch that refused the input decides. */
export const refusal = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
