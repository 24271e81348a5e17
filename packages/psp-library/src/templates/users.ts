import { all, any, effective, is, not, param, parameters, pod, someOf, type Operand } from '@podsec/dsl';
import { PspConstraintError } from '../constraint.js';
import type { PspInstance, PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';
import { idRange } from './fsgroup.js';

const strategy = <const R extends string>(rules: readonly R[], what: string) =>
  param.object({
    rule: param.enum(rules, { description: `How ${what} is restricted.` }),
    ranges: param.array(idRange(what), { description: `${what} ranges for MustRunAs and MayRunAs.` }),
  });

const p = parameters({
  exemptImages: exemptImagesParam(),
  runAsUser: strategy(['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'], 'UID'),
  runAsGroup: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], 'GID'),
  supplementalGroups: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], 'supplemental GID'),
  fsGroup: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], 'fsGroup GID'),
});

type Strategy = Operand<{ rule?: string; ranges?: { min?: number; max?: number }[] } | undefined>;
const inRanges = (s: Strategy) => someOf(s.get('ranges'), (r) => is.between(r.get('min'), r.get('max')));

/** MustRunAs: set and in a range; MayRunAs: in a range when set; anything else (RunAsAny, unset): no check. */
function idRule(
  s: Strategy,
  ref: {
    required: { is: (x: ReturnType<typeof inRanges>) => ReturnType<typeof any> };
    optional: { is: (x: ReturnType<typeof inRanges>) => ReturnType<typeof any> };
  },
) {
  return any(
    not(s.get('rule').oneOf(['MustRunAs', 'MayRunAs'])),
    all(s.get('rule').equals('MustRunAs'), ref.required.is(inRanges(s))),
    all(s.get('rule').equals('MayRunAs'), ref.optional.is(inRanges(s))),
  );
}

/**
 * supplementalGroups ranges need a per-element range test on a list of integers, which the DSL does
 * not have yet: an instance that relies on them is refused loudly rather than compiled without them.
 */
function refuseUncheckableSupplementalGroups(c: PspInstance): void {
  const s = c.parameters.supplementalGroups;
  const rule = typeof s === 'object' && s !== null ? (s as { rule?: unknown }).rule : undefined;
  if (rule === 'MustRunAs' || rule === 'MayRunAs')
    throw new PspConstraintError(
      `${c.source}: spec.parameters.supplementalGroups.rule: ${rule} needs supplementalGroups ranges checked per element, which podsec cannot express yet. Fix: use rule RunAsAny (or leave supplementalGroups out) and keep this Constraint on the upstream template until podsec supports it.`,
    );
}

/** K8sPSPAllowedUsers: user and group IDs follow each strategy's rule and ranges. */
export const users: PspTemplate = {
  kind: 'K8sPSPAllowedUsers',
  slug: 'users',
  variant: {
    suffix: 'ranges',
    spec: {
      parameters: {
        runAsUser: { rule: 'MustRunAs', ranges: [{ min: 100, max: 200 }] },
        runAsGroup: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] },
        supplementalGroups: { rule: 'RunAsAny' },
        fsGroup: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] },
      },
    },
  },
  policy: (c) => {
    refuseUncheckableSupplementalGroups(c);
    return instancePolicy(c, {
      title: 'Users and groups (K8sPSPAllowedUsers)',
      description:
        'runAsUser (each container’s effective value): MustRunAs — set and within a range; MustRunAsNonRoot — not 0, and either set or runAsNonRoot: true. runAsGroup (effective), supplementalGroups and fsGroup (pod): MustRunAs — set and within a range; MayRunAs — within a range when set. RunAsAny or no rule: anything (gatekeeper-library K8sPSPAllowedUsers). Not expressible yet: supplementalGroups ranges (the DSL has no per-element test on a list of integers), so pspPolicy refuses a Constraint whose supplementalGroups rule is MustRunAs or MayRunAs, and the generated template checks only that MustRunAs sets some supplementalGroups. Approximation: MustRunAsNonRoot asks every container for runAsNonRoot: true or every container for a non-zero runAsUser, where upstream accepts either per container (stricter, never weaker). exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'run-as-user',
          message: 'Container is attempting to run with a disallowed runAsUser',
          detail: 'must run with an allowed runAsUser',
          require: any(
            not(p.runAsUser.get('rule').oneOf(['MustRunAs', 'MustRunAsNonRoot'])),
            all(p.runAsUser.get('rule').equals('MustRunAs'), effective('runAsUser').required.is(inRanges(p.runAsUser))),
            all(
              p.runAsUser.get('rule').equals('MustRunAsNonRoot'),
              effective('runAsUser').optional.notOneOf([0]),
              any(effective('runAsNonRoot').equals(true), effective('runAsUser').required.atLeast(1)),
            ),
          ),
        },
        {
          id: 'run-as-group',
          message: 'Container is attempting to run with a disallowed runAsGroup',
          detail: 'must run with an allowed runAsGroup',
          require: idRule(p.runAsGroup, effective('runAsGroup')),
        },
        {
          id: 'supplemental-groups',
          message: 'Pod is attempting to run with disallowed supplementalGroups',
          require: any(
            not(p.supplementalGroups.get('rule').oneOf(['MustRunAs', 'MayRunAs'])),
            all(p.supplementalGroups.get('rule').equals('MustRunAs'), pod('supplementalGroups').required.is(is.not(is.subsetOf([])))),
            all(p.supplementalGroups.get('rule').equals('MayRunAs')),
          ),
        },
        { id: 'fs-group', message: 'Pod is attempting to run with a disallowed fsGroup', require: idRule(p.fsGroup, pod('fsGroup')) },
      ],
    });
  },
};
