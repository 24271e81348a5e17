/**
 * Collects the definitions of one Rego module. Generators ask for names and shared helpers here;
 * the emitter keeps sections in a fixed order and emits each helper once, so the module text is
 * a pure function of the IR.
 */
import { NameAllocator } from './identifiers.js';

export type Section = 'violations' | 'rules' | 'admission' | 'fields' | 'helpers';

export const SECTION_TITLES: Readonly<Record<Section, string>> = {
  violations: 'Violations: one per rule that applies to the object and is not satisfied.',
  rules: 'Rule conditions, named after the IR rule ids (`<rule>_when`, `<rule>_require`).',
  admission: 'What the policy reviews: kinds, operations, namespaces, selectors, exemptions.',
  fields: 'Field readers: the value at a path, or null when it is unset (JSON null counts as unset).',
  helpers: 'Helpers.',
};

const SECTION_ORDER: readonly Section[] = ['violations', 'rules', 'admission', 'fields', 'helpers'];

/** Names the module defines itself; IR-derived names must not take them. */
export const RESERVED_NAMES = [
  'violation',
  'applies',
  'pod_template',
  'pod_spec',
  'served_api_versions',
  'review_operation',
  'review_namespace',
  'namespace_selected',
  'object_selected',
  'labels_of',
  'containers',
  'container_name',
  'containers_alone',
  'message_order',
  'rule_message',
  'container_message',
  'message_string',
  'items',
  'entries_with_prefix',
  'capability_name',
  'scalar',
  'scalar_list',
  'string_list',
  'wildcard_match',
  'path_segments',
  'path_under',
  'key_allowed',
  'checked_containers',
  'exempt_image',
  'exempt_image_patterns',
  'input',
  'data',
] as const;

/**
 * Where the generic helpers go: `inline` in the module itself (the plain Rego target, one file
 * `opa eval -d` takes alone), or `lib` in a separate module `package lib.podsec` that the module
 * imports as `data.lib.podsec`, as a ConstraintTemplate's `libs` (gatekeeper-library's layout).
 */
export type HelperPlacement = 'inline' | 'lib';

/** The package of the helper library, and the alias its callers use. */
export const HELPER_LIB_PACKAGE = 'lib.podsec';
export const HELPER_LIB_ALIAS = 'podsec';

export class RegoEmitter {
  private readonly names = new NameAllocator(RESERVED_NAMES);
  private readonly blocks = new Map<Section, string[][]>(SECTION_ORDER.map((s) => [s, []]));
  private readonly once = new Map<string, string>();
  private vars = 0;

  constructor(readonly placement: HelperPlacement = 'inline') {}

  /** How module code calls a helper: by its name, or through the library's import alias. */
  helperCall(name: string): string {
    return this.placement === 'lib' ? `${HELPER_LIB_ALIAS}.${name}` : name;
  }

  /** Whether any helper was asked for (the library is then needed). */
  get usesHelpers(): boolean {
    return this.blocks.get('helpers')!.length > 0;
  }

  /** A fresh, unique rule or function name close to `desired`. */
  name(desired: string): string {
    return this.names.allocate(desired);
  }

  /** A name recorded under `key` (a definition already emitted), if any. */
  remembered(key: string): string | undefined {
    return this.once.get(key);
  }

  /** Records `name` under `key` and returns it. */
  remember(key: string, name: string): string {
    this.once.set(key, name);
    return name;
  }

  /** A local variable name unused anywhere else in the module (so nothing is ever shadowed). */
  variable(base = 'x'): string {
    this.vars += 1;
    return `${base}${this.vars}`;
  }

  add(section: Section, block: string[]): void {
    this.blocks.get(section)!.push(block);
  }

  /**
   * Reserves the next place in `section` and returns a setter for it, so a rule can be written
   * above the helpers its body creates (readers meet the rule before its parts).
   */
  slot(section: Section): (block: string[]) => void {
    const block: string[] = [];
    this.blocks.get(section)!.push(block);
    return (lines) => {
      block.push(...lines);
    };
  }

  /**
   * A definition shared by every user (a field reader, a helper): built and added on first
   * request under `key`, then only named. `fixedName` skips allocation for reserved helpers.
   */
  shared(key: string, section: Section, desiredName: string, build: (name: string) => string[], fixedName = false): string {
    const known = this.once.get(key);
    if (known) return known;
    const name = fixedName ? desiredName : this.name(desiredName);
    this.once.set(key, name);
    this.add(section, build(name));
    return name;
  }

  /**
   * The sections, each under a heading comment, blocks separated by blank lines; `only` limits
   * them (the helper library renders `helpers` alone, its importer everything else).
   */
  render(only: readonly Section[] = this.placement === 'lib' ? SECTION_ORDER.filter((s) => s !== 'helpers') : SECTION_ORDER): string {
    const out: string[] = [];
    for (const section of SECTION_ORDER.filter((s) => only.includes(s))) {
      const blocks = this.blocks.get(section)!;
      if (!blocks.length) continue;
      out.push('', `# ${'-'.repeat(98)}`, `# ${SECTION_TITLES[section]}`);
      for (const block of blocks) out.push('', ...block);
    }
    return `${out.join('\n')}\n`;
  }
}

/** Indents body lines one tab, as `opa fmt` does. */
export const indent = (lines: readonly string[], depth = 1): string[] => lines.map((l) => `${'\t'.repeat(depth)}${l}`);

/** `name if { … }`, or the one-line form for a single expression. */
export function ruleBlock(head: string, body: readonly string[]): string[] {
  if (body.length === 1 && !body[0]!.includes('{')) return [`${head} if ${body[0]}`];
  return [`${head} if {`, ...indent(body), '}'];
}
