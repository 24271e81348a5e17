// `podsec/psp`: gatekeeper-library's Pod Security Policy templates (@podsec/psp-library, re-exported by policies/psp in the
// repository): `pspPolicy(constraint)` for any of the 19 K8sPSP… Constraint kinds, the library's default instances, and the
// reader and module writer behind `podsec import gatekeeper`.
export {
  ENFORCEMENT_MODES,
  PSP_LIBRARY_MODULE,
  PSP_MODULE_HEADER,
  PSP_TEMPLATES,
  PspConstraintError,
  pspLibraryPolicies,
  pspPolicy,
  readConstraint,
  readConstraintFile,
  renderPspModule,
  type ImportedConstraint,
  type PspConstraint,
  type PspInstance,
  type PspTemplate,
} from '@podsec/psp-library';
