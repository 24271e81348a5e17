/**
 * JSON → CEL conversion copies only what changes (integers become int, `undefined` entries go, lists and
 * maps of another realm are rebuilt): unchanged subtrees are shared with the input, and the input is
 * never modified, so the same object can be evaluated again, or by another policy, unchanged.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateCel, compileCel, toCel } from '../src/index.js';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' }, annotations: { note: 'x' } },
  spec: {
    securityContext: { runAsUser: 1000, fsGroup: undefined },
    containers: [
      { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'redis', securityContext: { privileged: false, seLinuxOptions: { level: 's0' } } },
    ],
    tolerations: [{ key: 'k', tolerationSeconds: 1.5 }],
  },
});

describe('toCel', () => {
  it('converts integers and drops undefined entries, sharing every subtree that needs neither', () => {
    const input = pod();
    const before = structuredClone(input);
    const out = toCel(input) as ReturnType<typeof pod>;
    // The input is left as it was (undefined entries included).
    expect(input).toEqual(before);
    expect('fsGroup' in input.spec.securityContext).toBe(true);
    expect(out.spec.securityContext).toEqual({ runAsUser: 1000n });
    expect('fsGroup' in out.spec.securityContext).toBe(false);
    expect(out.spec.containers[0]!.ports![0]!.containerPort).toBe(80n);
    // Copied along the paths to a change, shared elsewhere.
    expect(out).not.toBe(input);
    expect(out.spec.containers).not.toBe(input.spec.containers);
    expect(out.spec.containers[0]).not.toBe(input.spec.containers[0]);
    expect(out.metadata).toBe(input.metadata);
    expect(out.spec.containers[1]).toBe(input.spec.containers[1]);
    expect(out.spec.tolerations).toBe(input.spec.tolerations);
    // Entries before and after a change keep their order and values.
    expect(Object.keys(out.spec.containers[0]!)).toEqual(['name', 'image', 'ports']);
    const strings = { a: 'x', b: [true, null, 'y'] };
    expect(toCel(strings)).toBe(strings);
  });

  it('keeps `__proto__` an own key of a copied map, and copies maps without the plain prototype', () => {
    const input = JSON.parse('{"__proto__": {"n": 1}, "m": 2}') as Record<string, unknown>;
    const out = toCel(input) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ n: 1n });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x' });
    const copied = toCel(bare) as Record<string, unknown>;
    expect(copied).not.toBe(bare);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
  });

  it('evaluates a shared object again with the same result', () => {
    const c = compileCel(
      'object.spec.containers.all(c, c.?ports.orValue([]).all(p, p.containerPort > 10)) && object.metadata.labels.app == "web"',
      { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] },
      { policy: 't', expressionPath: 'x' },
    );
    if (!c.ok) throw new Error(c.diagnostic.message);
    const input = pod();
    const activation = (object: unknown) => ({ object, oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null });
    const first = evaluateCel(c.program, activation(toCel(input)));
    const second = evaluateCel(c.program, activation(toCel(input)));
    expect([first, second]).toEqual([
      { ok: true, value: true },
      { ok: true, value: true },
    ]);
  });
});
