/**
 * When the rego and gatekeeper adapters may put every policy into one Wasm module (each object
 * then serialised and parsed once for all of them, see loadRegoBatch in @podsec/rego).
 */

/** The package a Rego source declares; undefined when it has none. */
const packageOf = (text: string) => /^\s*package\s+(\S+)/m.exec(text)?.[1];

/** The first segment of every reference into `data` outside comments (`data.lib.x` → `lib`). */
export function dataRoots(text: string): string[] {
  const code = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  return [...code.matchAll(/(?<![\w.])data\s*(?:\.\s*([A-Za-z_]\w*)|(\[))/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Merging cannot change a decision when every source declares its own package (two in one package
 * would share rules) and reads `data` only under the roots `allowed` gives it (by default none:
 * data.inventory, a rule of another policy, a Gatekeeper lib another template also defines).
 */
export function mergeable(sources: readonly string[], allowed: (i: number) => readonly string[] = () => []): boolean {
  const packages = sources.map(packageOf);
  if (packages.some((p) => p === undefined)) return false;
  return new Set(packages).size === packages.length && sources.every((t, i) => dataRoots(t).every((r) => allowed(i).includes(r)));
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
