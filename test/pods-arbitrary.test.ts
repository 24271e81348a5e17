import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { podTemplateOf, containersOf } from '@podsec/ir';
import { arbitraryPodObject } from './support/pods.js';

describe('random Pod arbitrary', () => {
  it('produces Pods and controllers whose template has at least one container', () => {
    fc.assert(
      fc.property(arbitraryPodObject(), (obj) => {
        const pod = podTemplateOf(obj);
        expect(pod).toBeDefined();
        expect(containersOf(pod!.template).some((c) => c.kind === 'containers')).toBe(true);
      }),
      { numRuns: 200, seed: 42 },
    );
  });
  it('reaches every kind and all three container kinds', () => {
    const samples = fc.sample(arbitraryPodObject(), { numRuns: 400, seed: 7 });
    const kinds = new Set(samples.map((o) => o.kind));
    expect(kinds.size).toBe(8);
    const ckinds = new Set(samples.flatMap((o) => containersOf(podTemplateOf(o)!.template).map((c) => c.kind)));
    expect([...ckinds].sort()).toEqual(['containers', 'ephemeralContainers', 'initContainers']);
  });
});
