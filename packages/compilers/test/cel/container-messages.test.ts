/**
 * Rules with a `containerMessage` (gatekeeper-library wording: one text per offending container)
 * through podsec's CEL engines: the ValidatingAdmissionPolicy (apiserver semantics) and Kyverno
 * ValidatingPolicy engines report, for each violated rule, exactly the reference's violationMessage
 * (folded to one line, as every CEL message is), on hand-written Pods that reach every part kind
 * with set, unset, null and wrong-typed values, and on random requests.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy, POD_KINDS, type PolicyIR } from '@podsec/ir';
import { evaluateValidatingAdmissionPolicy, evaluateValidatingPolicy, type AdmissionAttributes } from '@podsec/cel';
import { foldLines } from '../../src/cel/index.js';
import { vapCompiler } from '../../src/vap/index.js';
import { vpolCompiler } from '../../src/vpol/index.js';
import { celFixtures } from './fixtures.js';
import { emit } from './emitted.js';
import { referenceContext, requestArbitrary } from './requests.js';
import type { AdmissionRequest } from './harness.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Pod template inside an object of any Pod kind, when it is there. */
function templateOf(object: Obj): Obj | undefined {
  const path = POD_KINDS.find((k) => k.kind === object.kind)?.template ?? [];
  let cur: unknown = object;
  for (const key of path) cur = isObj(cur) ? cur[key] : undefined;
  return isObj(cur) ? cur : undefined;
}

const ir: PolicyIR = celFixtures().find((f) => f.ir.name === 'cel-container-messages')!.ir;
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/';
const vap = emit(vapCompiler, ir);
const vpol = emit(vpolCompiler, ir);
const ruleIds = vap.manifest.rules as string[];

const attributes = (object: Obj, operation: 'CREATE' | 'UPDATE' = 'CREATE'): AdmissionAttributes => ({
  operation,
  object,
  oldObject: operation === 'UPDATE' ? object : null,
  namespace: 'default',
  namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  userInfo: {},
});

/**
 * The reference's messages by rule, each line break folded to a space as the CEL targets write user
 * text (not trimmed: a nameless first container leaves a leading space in both).
 */
function reference(object: Obj): Map<string, string> {
  const v = evaluatePolicy(ir, object, { operation: 'CREATE', namespace: 'default', namespaceLabels: {} });
  if (!v.applies) throw new Error('the policy does not apply');
  return new Map(v.violations.map((x) => [x.rule, foldLines(x.message)]));
}

/** The VAP engine's message per violated rule. */
function vapMessages(object: Obj): Map<string, string> {
  const d = evaluateValidatingAdmissionPolicy(vap.docs[0], [vap.docs[1]], attributes(object));
  return new Map(
    d.denials.map((x) => {
      const index = Number(/^spec\.validations\[(\d+)\]/.exec(x.expressionPath ?? '')?.[1]);
      return [ruleIds[index]!, x.message];
    }),
  );
}

/** The ValidatingPolicy engine's first failing rule and its message (Kyverno stops there). */
function vpolMessage(object: Obj): [string, string] | undefined {
  const r = evaluateValidatingPolicy(vpol.docs[0], attributes(object), { context: 'admission' });
  if (r.error) throw new Error(r.error.message);
  return r.failedValidation ? [ruleIds[r.failedValidation.index]!, r.message ?? ''] : undefined;
}

/** Both engines agree with the reference on `object`; returns the reference's messages. */
function expectReference(object: Obj): Map<string, string> {
  const want = reference(object);
  expect(vapMessages(object)).toEqual(want);
  expect(vpolMessage(object)).toEqual([...want][0]);
  return want;
}

const pod = (spec: Obj, metadata: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...metadata }, spec });
const ctr = (name: unknown, securityContext: Obj = {}, image = 'nginx:1.27'): Obj => ({
  ...(name === undefined ? {} : { name }),
  image,
  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, ...securityContext },
});
const unconfined = { seccompProfile: { type: 'Unconfined' } };

describe('containerMessage in the VAP and ValidatingPolicy engines', () => {
  it("keeps gatekeeper-library's wording: one text per offending container, init, regular then ephemeral, exempt images never named", () => {
    const object = pod({
      ephemeralContainers: [ctr('debug', unconfined)],
      containers: [ctr('nginx', unconfined), ctr('ok'), ctr('cache', unconfined, 'redis:7')],
      initContainers: [ctr('setup', { ...unconfined, readOnlyRootFilesystem: false })],
    });
    const want = expectReference(object);
    const found = (name: string) => `Seccomp profile 'Unconfined' is not allowed for container '${name}'. Found at: container securityContext.`;
    expect(want.get('seccomp-profile')).toBe([found('setup'), found('nginx'), found('debug')].join('; '));
    expect(want.get('read-only-root')).toBe('only read-only root filesystem container is allowed: setup');
  });

  it('renders pod and container fields, pod annotations and per-container annotations, and a pod-level fault as the message alone', () => {
    const annotations = { 'podsec.dev/note': 'ask #sec', 'podsec.dev/owner': 'team-a', [`${APPARMOR}web`]: 'unconfined' };
    const spec = {
      runtimeClassName: 'gvisor',
      os: { name: 'linux' },
      securityContext: { seLinuxOptions: { type: 'spc_t' } },
      containers: [ctr('web', { allowPrivilegeEscalation: true }), ctr('side', { allowPrivilegeEscalation: true })],
    };
    const want = expectReference(pod(spec, { annotations }));
    expect(want.get('escalation-on-host')).toBe(
      "web escalates (runtime class 'gvisor', note 'ask #sec', AppArmor 'unconfined', pod SELinux type 'spc_t', \"quoted\" \\ {{ x }}'); " +
        "side escalates (runtime class 'gvisor', note 'ask #sec', AppArmor '', pod SELinux type 'spc_t', \"quoted\" \\ {{ x }}')",
    );
    expect(want.get('apparmor')).toBe("AppArmor profile 'unconfined' is not allowed for container 'web' (image nginx:1.27, os linux, owner team-a)");
    // hostNetwork / hostIPC fail the rule with no container at all: the fault is the pod's, so no container is named.
    const host = expectReference(pod({ ...spec, hostNetwork: true, hostIPC: true }, { annotations }));
    expect([host.get('escalation-on-host'), host.get('apparmor')]).toEqual(['no escalation, on the host network either', 'AppArmor profile not allowed']);
  });

  it('renders unset, null and wrong-typed values as the empty string, and names no container that passes', () => {
    const nameless = { image: 5, securityContext: { allowPrivilegeEscalation: true, readOnlyRootFilesystem: true } };
    const variants: Obj[] = [
      // Unset everywhere.
      pod({ containers: [ctr('web', { allowPrivilegeEscalation: true })] }),
      // Raw-manifest nulls (the API server drops them; `kyverno apply` and CI keep them).
      pod(
        {
          runtimeClassName: null,
          os: null,
          securityContext: { seLinuxOptions: null },
          containers: [ctr('web', { allowPrivilegeEscalation: true, seLinuxOptions: null })],
        },
        { annotations: null },
      ),
      // Wrong-typed values, a nameless container and a non-string name (raw manifests only).
      pod(
        {
          runtimeClassName: 7,
          os: { name: false },
          securityContext: { seLinuxOptions: { type: ['x'] } },
          containers: [ctr(42, { allowPrivilegeEscalation: true }), nameless],
          initContainers: [ctr('init', { seccompProfile: { type: 3 } })],
        },
        { annotations: { 'podsec.dev/note': 1, [APPARMOR]: 'bare', [`${APPARMOR}42`]: 'unconfined' } },
      ),
      pod({ containers: [ctr('web')] }, { annotations: 'x' }),
    ];
    const texts = variants.map((object) => expectReference(object));
    expect(texts[0]!.get('escalation-on-host')).toBe("web escalates (runtime class '', note '', AppArmor '', pod SELinux type '', \"quoted\" \\ {{ x }}')");
    expect(texts[1]!.get('escalation-on-host')).toBe(texts[0]!.get('escalation-on-host'));
    // A nameless or non-string-named container is named '' and reads the per-container annotation at the bare prefix;
    // the annotation check itself reads none for it, so the AppArmor rule holds.
    const bare = " escalates (runtime class '', note '', AppArmor 'bare', pod SELinux type '', \"quoted\" \\ {{ x }}')";
    expect(texts[2]!.get('escalation-on-host')).toBe(`${bare}; ${bare}`);
    expect(texts[2]!.has('apparmor')).toBe(false);
    expect(texts[2]!.get('seccomp-profile')).toBe("Seccomp profile '' is not allowed for container 'init'. Found at: container securityContext.");
    expect(texts[3]!.size).toBe(0);
  });

  it('names offending init and ephemeral containers of a rule that is not a plain conjunction', () => {
    const object = pod({
      containers: [ctr('web', { runAsNonRoot: false })],
      initContainers: [ctr('init', { runAsNonRoot: false, seLinuxOptions: { user: 'root_u' } })],
      ephemeralContainers: [ctr('debug', { runAsNonRoot: false })],
    });
    expect(expectReference(object).get('non-root-or-selinux')).toBe(
      "container init runs as root with SELinux user 'root_u' in ephemeral and init containers; container debug runs as root with SELinux user '' in ephemeral and init containers",
    );
    // A pod-level runAsNonRoot satisfies the rule whatever the containers say.
    expect(expectReference({ ...object, spec: { ...(object.spec as Obj), securityContext: { runAsNonRoot: true } } }).has('non-root-or-selinux')).toBe(false);
  });

  it('in a Pod controller, reads the template', () => {
    const template = pod({ containers: [ctr('web', { allowPrivilegeEscalation: true })] }, { annotations: { 'podsec.dev/note': 'n' } });
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: template.metadata, spec: template.spec } },
    };
    expect(expectReference(deployment).get('escalation-on-host')).toContain("note 'n'");
  });

  it('a value with a line break: the ValidatingPolicy reports it, the apiserver falls back to the static message (documented gap)', () => {
    const object = pod({ containers: [ctr('web', { allowPrivilegeEscalation: true })] }, { annotations: { 'podsec.dev/note': 'two\nlines' } });
    // The rule's own text is folded onto one line when compiled; a value read at admission time is not.
    const text = "web escalates (runtime class '', note 'two\nlines', AppArmor '', pod SELinux type '', \"quoted\" \\ {{ x }}')";
    expect(reference(object).get('escalation-on-host')).toBe(text.replace('\n', ' '));
    expect(vpolMessage(object)).toEqual(['escalation-on-host', text]);
    // The apiserver refuses a messageExpression result with a line break and reports `message` instead.
    expect(vapMessages(object).get('escalation-on-host')).toBe('no escalation, on the host network either');
  });

  it('on random requests whose annotations name the containers (300 requests per engine)', () => {
    const note = fc.constantFrom<unknown>('', 'x', 'a "b" \\ c', 'é😀', 3, true);
    const arbitrary = fc.tuple(requestArbitrary(ir), note, note, fc.constantFrom('c0', 'c1', 'init0', 'debug0'), note);
    let named = 0;
    fc.assert(
      fc.property(arbitrary, ([req, noteValue, owner, container, profile]: [AdmissionRequest, unknown, unknown, string, unknown]) => {
        if (!req.object) return;
        const object = structuredClone(req.object);
        const t = templateOf(object);
        if (t) {
          const md = isObj(t.metadata) ? t.metadata : {};
          const annotations = isObj(md.annotations) ? md.annotations : {};
          t.metadata = {
            ...md,
            annotations: { ...annotations, 'podsec.dev/note': noteValue, 'podsec.dev/owner': owner, [`${APPARMOR}${container}`]: profile },
          };
        }
        const expected = evaluatePolicy(ir, object, referenceContext(req));
        if (!expected.applies) return;
        const want = new Map(expected.violations.map((v) => [v.rule, foldLines(v.message)]));
        const attrs = attributes(object, req.operation === 'UPDATE' ? 'UPDATE' : 'CREATE');
        attrs.namespace = req.namespace;
        const d = evaluateValidatingAdmissionPolicy(vap.docs[0], [vap.docs[1]], attrs);
        const got = new Map(d.denials.map((x) => [ruleIds[Number(/\[(\d+)\]/.exec(x.expressionPath ?? '')?.[1])]!, x.message]));
        expect(got).toEqual(want);
        const r = evaluateValidatingPolicy(vpol.docs[0], attrs, { context: 'admission' });
        expect(r.failedValidation ? [ruleIds[r.failedValidation.index], r.message] : undefined).toEqual([...want][0]);
        named += [...want.values()].filter((m) => m.includes("for container '") || m.includes(' escalates (')).length;
      }),
      { numRuns: 300, seed: 1212 },
    );
    expect(named).toBeGreaterThan(100);
  });
});
