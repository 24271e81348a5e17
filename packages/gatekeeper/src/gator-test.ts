// `podsec test gator SUITE.yaml...`: runs Gatekeeper gator-verify suites through Rego → Wasm.
import { resolve } from 'node:path';
import type { CommandIo } from '@podsec/rego';
import { compileTemplate, reviewConstraint, type TemplateProgram } from './engine.js';
import { loadSuite, type SuiteCase, type SuiteTest } from './suite.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Gatekeeper's review for a case object: a plain resource, or the request of an AdmissionReview. */
export function reviewFor(object: Obj): Obj {
  if (object.kind === 'AdmissionReview' && isObj(object.request)) return object.request;
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'v1';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const meta = isObj(object.metadata) ? object.metadata : {};
  return {
    object,
    oldObject: null,
    operation: 'CREATE',
    userInfo: { username: 'podsec-gator', groups: [] },
    kind: { group, version, kind: object.kind },
    name: meta.name,
    namespace: meta.namespace,
  };
}

/**
 * Gatekeeper's synced data: data.inventory.namespace[ns][apiVersion][kind][name] for namespaced
 * objects and data.inventory.cluster[apiVersion][kind][name] for the rest.
 */
export function inventoryData(objects: Obj[]): Obj {
  const namespace: Obj = {};
  const cluster: Obj = {};
  const put = (root: Obj, path: string[], value: unknown) => {
    let cur = root;
    for (const p of path.slice(0, -1)) cur = (cur[p] ??= {}) as Obj;
    cur[path[path.length - 1]!] = value;
  };
  for (const o of objects) {
    const meta = isObj(o.metadata) ? o.metadata : {};
    const path = [String(o.apiVersion ?? ''), String(o.kind ?? ''), String(meta.name ?? '')];
    if (typeof meta.namespace === 'string' && meta.namespace) put(namespace, [meta.namespace, ...path], o);
    else put(cluster, path, o);
  }
  return { inventory: { namespace, cluster } };
}

export interface CaseOutcome {
  ok: boolean;
  violations: { msg: string }[];
  failure?: string;
}

/** gator counts violations whatever the constraint's enforcement action, as `gator verify` does. */
export function checkCase(program: TemplateProgram, test: SuiteTest, c: SuiteCase): CaseOutcome {
  const r = reviewConstraint(program, test.constraint, reviewFor(c.object), inventoryData(c.inventory));
  const violations = r.status === 'evaluated' ? r.violations : [];
  for (const a of c.assertions) {
    const counted = a.message ? violations.filter((v) => a.message!.test(v.msg)) : violations;
    const n = counted.length;
    const ok = a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
    if (!ok) {
      const what = a.message ? ` matching /${a.message.source}/` : '';
      return {
        ok: false,
        violations,
        failure: `expected ${a.violations === 'yes' ? 'at least one' : a.violations === 'no' ? 'no' : a.violations} violation(s)${what}, got ${n}${violations.length ? `: ${violations.map((v) => JSON.stringify(v.msg)).join(', ')}` : ''}`,
      };
    }
  }
  return { ok: true, violations };
}

export async function gatorTestCommand(argv: string[], io: CommandIo): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('-'));
  if (files.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    (files.length === 0 ? io.stderr : io.stdout)('usage: podsec test gator SUITE.yaml...\n');
    return files.length === 0 ? 2 : 0;
  }
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    let suite;
    try {
      suite = loadSuite(resolve(io.cwd, f));
    } catch (e) {
      io.stderr(`podsec test gator: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    for (const test of suite.tests) {
      let program: TemplateProgram;
      try {
        program = await compileTemplate(test.template);
      } catch (e) {
        io.stderr(`FAIL ${suite.name}/${test.name}: ${(e as Error).message}\n`);
        failed += test.cases.length;
        continue;
      }
      for (const c of test.cases) {
        try {
          const r = checkCase(program, test, c);
          if (r.ok) {
            passed++;
            io.stdout(`ok   ${suite.name}/${test.name}/${c.name} (${r.violations.length} violation(s))\n`);
          } else {
            failed++;
            io.stdout(`FAIL ${suite.name}/${test.name}/${c.name}: ${r.failure}\n`);
          }
        } catch (e) {
          failed++;
          io.stdout(`FAIL ${suite.name}/${test.name}/${c.name}: ${(e as Error).message}\n`);
        }
      }
    }
  }
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
