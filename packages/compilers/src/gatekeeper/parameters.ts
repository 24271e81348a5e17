/**
 * The ConstraintTemplate's `openAPIV3Schema`, derived from the policy's parameter declarations,
 * so the API server validates a Constraint's `parameters` as the upstream template's schema does.
 * Defaults are left to the template's Rego (applied at run time), so the schema never rewrites a
 * Constraint the user applied.
 */
import type { ParamSchema } from '@podsec/ir';

function openApi(s: ParamSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: s.type };
  if (s.description) out.description = s.description;
  if (s.type === 'string' && s.enum) out.enum = [...s.enum];
  if (s.type === 'array') out.items = openApi(s.items);
  if (s.type === 'object') out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, openApi(v)]));
  return out;
}

export function parametersSchema(parameters: Readonly<Record<string, ParamSchema>>, description: string): Record<string, unknown> {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, openApi(v)])),
  };
}
