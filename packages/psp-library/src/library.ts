import type { Policy } from '@podsec/dsl';
import { pspPolicy } from './psp-policy.js';
import { PSP_TEMPLATES } from './templates/index.js';

const POD_ONLY = { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] };

/**
 * The library as `policies/psp` ships it: per template, the instance with default parameters
 * (`psp-<template>`) and the template's non-default instance (`psp-<template>-<suffix>`), each
 * built from a Constraint object exactly as a user's would be. `kinds` selects templates.
 */
export function pspLibraryPolicies(options: { kinds?: readonly string[] } = {}): Policy[] {
  const templates = options.kinds ? PSP_TEMPLATES.filter((t) => options.kinds!.includes(t.kind)) : PSP_TEMPLATES;
  return templates.flatMap((t) => [
    pspPolicy({ kind: t.kind, metadata: { name: `psp-${t.slug}` }, spec: { match: POD_ONLY } }, `policies/psp (${t.kind})`),
    pspPolicy(
      { kind: t.kind, metadata: { name: `psp-${t.slug}-${t.variant.suffix}` }, spec: { match: POD_ONLY, ...t.variant.spec } },
      `policies/psp (${t.kind}, ${t.variant.suffix})`,
    ),
  ]);
}
