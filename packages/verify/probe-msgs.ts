import { evaluatePolicy } from '@podsec/ir';
import { generatedFixtures } from './src/fixtures/generate.js';
import pss from '../../policies/pss/index.js';
const seedMods = await Promise.all(
  [
    'disallow-privilege-escalation',
    'recommend-fsgroup-on-root-mismatch',
    'require-drop-all-capabilities',
    'require-fsgroup-range',
    'require-read-only-root-filesystem',
    'require-run-as-group-non-root',
    'require-run-as-non-root',
    'require-supplemental-groups-strict',
    'restrict-localhost-profiles',
    'restrict-proc-mount-unmasked',
    'restrict-seccomp-profiles',
    'restrict-selinux-options',
  ].map((n) => import(`../../policies/seed/${n}.js`)),
);
const irs = [...seedMods.map((m) => m.default.ir), ...(process.argv[2] === 'pss' ? pss.map((p) => p.ir) : [])];
for (const ir of irs) {
  const seen = new Map<string, Set<string>>();
  for (const f of generatedFixtures([ir])) {
    const v = evaluatePolicy(ir, f.object, f.ctx ?? {});
    if (!v.applies) continue;
    for (const x of v.violations) {
      const s = seen.get(x.rule) ?? new Set();
      seen.set(x.rule, s);
      s.add(x.message.replace(/"[^"]*"/g, '"N"').replace(/(, "N")+/, ', "N"…'));
    }
  }
  for (const [r, s] of seen) {
    console.log(`${ir.name}/${r}`);
    for (const m of s) console.log(`   ${m}`);
  }
}
