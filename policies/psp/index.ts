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

export default pspLibraryPolicies();
