/**
 * What the gatekeeper-library PSP templates share: the `exemptImages` parameter, CREATE-only
 * scoping (the templates skip UPDATE: changing a running Pod's spec is mostly forbidden anyway,
 * and a violation on UPDATE would block e.g. label changes of Pods admitted before the
 * Constraint), and how an instance's name, mode, match and values become a definition.
 */
import { definePolicy, param, type Policy, type PolicyDefinition } from '@podsec/dsl';
import type { PspInstance } from '../template.js';

export const EXEMPT_IMAGES_DESCRIPTION =
  'Containers whose image matches an entry are not checked. An entry ending with `*` matches by prefix (`my-registry.example/*`), any other entry exactly. Prefer fully-qualified image names, so that an untrusted registry cannot match.';

/** The `exemptImages` parameter most templates take (gatekeeper-library semantics: exact, or prefix when ending with `*`). */
export const exemptImagesParam = () => param.array(param.string(), { description: EXEMPT_IMAGES_DESCRIPTION });

/** The part of a definition a template writes; the instance supplies the rest. */
export type TemplateDefinition = Omit<PolicyDefinition, 'name' | 'mode' | 'match' | 'values' | 'constraintKind'>;

/** The policy of one instance of a template: its name, mode, match (CREATE only) and parameter values. */
export function instancePolicy(c: PspInstance, def: TemplateDefinition): Policy {
  return definePolicy({
    ...def,
    name: c.name,
    mode: c.mode,
    // The upstream kind: an existing Constraint keeps working when podsec's template replaces upstream's.
    constraintKind: c.kind,
    match: { ...c.match, operations: ['CREATE'] },
    ...(def.parameters ? { values: c.parameters } : {}),
  });
}
