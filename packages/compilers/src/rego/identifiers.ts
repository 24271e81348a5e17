/**
 * Rego identifiers for generated rules. Names are derived from IR ids so a reader can find the
 * rule a violation came from; the allocator guarantees uniqueness whatever ids the author chose.
 */

/** `seLinuxOptions.level` → `se_linux_options_level`, `run-as-non-root` → `run_as_non_root`. */
export function snakeCase(id: string): string {
  const snake = id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // Identifiers cannot start with a digit, and an empty id still needs a name.
  return /^[a-z]/.test(snake) ? snake : `r_${snake}`;
}

/**
 * Hands out identifiers in call order; a taken name gets `_2`, `_3`, … so the same IR always
 * yields the same names. Names the module defines itself are reserved up front.
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  allocate(desired: string): string {
    let name = desired;
    for (let i = 2; this.taken.has(name); i++) name = `${desired}_${i}`;
    this.taken.add(name);
    return name;
  }
}
