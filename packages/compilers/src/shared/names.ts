import type { PolicyIR } from '@podsec/ir';

/**
 * Every name a generated artifact carries, derived from the policy name in one place so the
 * files, the manifest and the engines agree.
 */
export interface GeneratedNames {
  policy: string;
  /** Rego package path, e.g. `podsec.require_run_as_non_root`. */
  regoPackage: string;
  /** opa-wasm entrypoint, e.g. `podsec/require_run_as_non_root/violation`. */
  regoEntrypoint: string;
  /** Gatekeeper constraint kind (CamelCase) and template name (its lower-case form). */
  gatekeeperKind: string;
  gatekeeperTemplate: string;
  gatekeeperConstraint: string;
  kyvernoPolicy: string;
  kyvernoVpol: string;
  vapPolicy: string;
  vapBinding: string;
}

const camel = (name: string) =>
  name
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

export function generatedNames(ir: Pick<PolicyIR, 'name'> & Partial<Pick<PolicyIR, 'constraintKind'>>): GeneratedNames {
  const snake = ir.name.replace(/-/g, '_');
  const kind = ir.constraintKind ?? `Podsec${camel(ir.name)}`;
  return {
    policy: ir.name,
    regoPackage: `podsec.${snake}`,
    regoEntrypoint: `podsec/${snake}/violation`,
    gatekeeperKind: kind,
    gatekeeperTemplate: kind.toLowerCase(),
    gatekeeperConstraint: ir.name,
    kyvernoPolicy: ir.name,
    kyvernoVpol: ir.name,
    vapPolicy: `podsec-${ir.name}`,
    vapBinding: `podsec-${ir.name}`,
  };
}
