/** A file a compiler produces, relative to the build directory. */
export interface GeneratedFile {
  path: string;
  content: string;
}

export type TargetId = 'rego' | 'gatekeeper' | 'kyverno' | 'kyvernoVpol' | 'vap';
