import { Environment } from '@marcbachmann/cel-js';
import { comprehensionsExtension } from './ext/comprehensions.js';
import { conversionsExtension } from './ext/conversions.js';
import { encodersExtension } from './ext/encoders.js';
import { formatExtension } from './ext/format.js';
import { listsExtension } from './ext/lists.js';
import { mathExtension } from './ext/math.js';
import { netExtension } from './ext/net.js';
import { optionalsExtension } from './ext/optionals.js';
import { quantityExtension } from './ext/quantity.js';
import { regexExtension } from './ext/regex.js';
import { registerExtension, type CelExtension } from './ext/registry.js';
import { semverExtension } from './ext/semver.js';
import { setsExtension } from './ext/sets.js';
import { stringsExtension } from './ext/strings.js';
import { urlsExtension } from './ext/urls.js';

/** Extensions registered on top of the library, in the order Kubernetes' base environment adds them. */
export const CEL_EXTENSIONS: readonly CelExtension[] = [
  stringsExtension,
  listsExtension,
  regexExtension,
  urlsExtension,
  setsExtension,
  quantityExtension,
  netExtension,
  formatExtension,
  semverExtension,
  optionalsExtension,
  mathExtension,
  encodersExtension,
  comprehensionsExtension,
  conversionsExtension,
];

/**
 * Every top-level variable either engine can bind. All are declared `dyn`: Kubernetes type-checks against the
 * resource's OpenAPI schema only to produce warnings, and the runtime behaviour (no such key, int vs double)
 * comes from the values themselves. Which of them a given expression may use is checked separately.
 */
export const ROOT_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer'] as const;

/** Namespace constants (receivers of library functions) and type identifiers: not policy variables. */
export const NAMESPACE_ROOTS: ReadonlySet<string> = new Set([
  'cel',
  'optional',
  'sets',
  'strings',
  'math',
  'base64',
  'format',
  'ip',
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
  'timestamp',
  'duration',
]);

let shared: { env: Environment; functions: ReadonlySet<string> } | undefined;

/** The CEL environment shared by all policies (building one is expensive; expressions are parsed against it). */
export function celEnvironment(): { env: Environment; functions: ReadonlySet<string> } {
  if (shared) return shared;
  const env = new Environment({
    // Kubernetes does not enable cel-go's HomogeneousAggregateLiterals: `[1, 'a']` is a list(dyn).
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
  });
  for (const name of ROOT_VARIABLES) env.registerVariable(name, 'dyn');
  env.registerVariable('variables', 'map<string, dyn>');
  for (const ext of CEL_EXTENSIONS) registerExtension(env, ext);
  const functions = new Set(env.getDefinitions().functions.map((f) => f.name));
  shared = { env, functions };
  return shared;
}
