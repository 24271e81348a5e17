// `podsec`: the policy DSL. Policy modules import everything they need from here.
export * from '@podsec/dsl';
