/**
 * gatekeeper-library's Pod Security Policy templates (library/pod-security-policy, 19 kinds) as
 * podsec policies: `pspPolicy(constraint)` turns any K8sPSP… Constraint into a policy with the same
 * meaning, compiled to every target; the default export is the library as `podsec verify`
 * proves it — every template with its default parameters, and one instance with non-default ones.
 * Modules written by `podsec import gatekeeper` import `pspPolicy` from `podsec/psp`; the library
 * itself is packages/psp-library.
 */
import { pspLibraryPolicies } from '@podsec/psp-library';

export { pspPolicy } from '@podsec/psp-library';

/**
 * The templates every target compiles so far (issue 12: the compilers gain the parameter, item and
 * exemption constructs one by one); the others are defined and hold under the reference semantics
 * (test/psp-conformance.test.ts) but are not bundled until every engine runs them.
 */
const COMPILED_EVERYWHERE = [
  'K8sPSPAllowPrivilegeEscalationContainer',
  'K8sPSPCapabilities',
  'K8sPSPFlexVolumes',
  'K8sPSPHostNamespace',
  'K8sPSPHostNetworkingPorts',
  'K8sPSPHostProbesLifecycle',
  'K8sPSPHostProcess',
  'K8sPSPPrivilegedContainer',
  'K8sPSPProcMount',
  'K8sPSPReadOnlyRootFilesystem',
];

export default pspLibraryPolicies({ kinds: COMPILED_EVERYWHERE });
