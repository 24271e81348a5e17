// `podsec/ir`: the engine-neutral policy IR that `podsec build` writes to generated/ir/*.json —
// its types, JSON schema, field table and reference evaluator — for tools that read those files.
export * from '@podsec/ir';
