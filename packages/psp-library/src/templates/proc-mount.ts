import { any, container, param, parameters } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  procMount: param.enum(['Default', 'Unmasked'], {
    description: 'The most permissive procMount allowed: `Default` (the runtime masks /proc paths) or `Unmasked` (Default and Unmasked).',
    default: 'Default',
  }),
});

/** K8sPSPProcMount: containers' procMount is at most as permissive as the parameter allows. */
export const procMount: PspTemplate = {
  kind: 'K8sPSPProcMount',
  slug: 'proc-mount',
  variant: { suffix: 'unmasked', spec: { parameters: { procMount: 'Unmasked' } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'procMount (K8sPSPProcMount)',
      description:
        'A container may set securityContext.procMount only to an allowed type: Default when the procMount parameter is Default (its default), Default or Unmasked when it is Unmasked (gatekeeper-library K8sPSPProcMount). Unset passes; exemptImages skip containers by image. Approximation: values are compared as written, where upstream lower-cases them (`default` passes there, not here: stricter; the API server only admits `Default` and `Unmasked`), and with procMount Unmasked upstream admits any value, podsec only the two types.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'proc-mount',
          message: 'ProcMount type is not allowed',
          detail: 'must set securityContext.procMount to an allowed type',
          require: any(container('procMount').optional.equals('Default'), {
            kind: 'all',
            checks: [p.procMount.equals('Unmasked'), container('procMount').optional.oneOf(['Default', 'Unmasked'])],
          }),
        },
      ],
    }),
};
