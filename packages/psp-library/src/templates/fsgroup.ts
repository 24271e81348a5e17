import { all, any, is, not, param, parameters, pod, someOf } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

export const idRange = (what: string) =>
  param.object({
    min: param.integer({ description: `The smallest ${what}, inclusive.` }),
    max: param.integer({ description: `The largest ${what}, inclusive.` }),
  });

const p = parameters({
  rule: param.enum(['MayRunAs', 'MustRunAs', 'RunAsAny'], {
    description: 'MustRunAs: fsGroup set and in a range; MayRunAs: in a range when set; RunAsAny: anything.',
  }),
  ranges: param.array(idRange('GID'), { description: 'GID ranges for MustRunAs and MayRunAs.' }),
});

/** K8sPSPFSGroup: the pod's fsGroup follows the rule and ranges. */
export const fsgroup: PspTemplate = {
  kind: 'K8sPSPFSGroup',
  slug: 'fsgroup',
  variant: { suffix: 'must-run-as', spec: { parameters: { rule: 'MustRunAs', ranges: [{ min: 1, max: 1000 }] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'fsGroup (K8sPSPFSGroup)',
      description:
        'With rule MustRunAs the pod must set securityContext.fsGroup within one of the ranges; with MayRunAs an fsGroup that is set must be within one; RunAsAny, or no rule, allows any (gatekeeper-library K8sPSPFSGroup).',
      parameters: p,
      rules: [
        {
          id: 'fsgroup',
          message: 'The provided pod spec fsGroup is not allowed',
          require: any(
            not(p.rule.oneOf(['MustRunAs', 'MayRunAs'])),
            all(p.rule.equals('MustRunAs'), pod('fsGroup').required.is(someOf(p.ranges, (r) => is.between(r.get('min'), r.get('max'))))),
            all(p.rule.equals('MayRunAs'), pod('fsGroup').optional.is(someOf(p.ranges, (r) => is.between(r.get('min'), r.get('max'))))),
          ),
        },
      ],
    }),
};
