/**
 * Runs in a child process (see load-policies.ts): imports each policy module and sends back the
 * IR of every policy it exports. A module that loops, never settles its top-level await or calls
 * process.exit only ends this process, which the parent reports naming the module.
 */
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isPolicy } from '@podsec/dsl';
import type { ChildMessage } from './policy-modules-protocol.js';

const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

function policiesExported(mod: Record<string, unknown>): unknown[] {
  const values = [
    mod.default,
    ...Object.entries(mod)
      .filter(([k]) => k !== 'default')
      .map(([, v]) => v),
  ];
  return values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isPolicy);
}

const firstLines = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 6).join('\n  ');

const files = JSON.parse(process.argv[2] ?? '[]') as { path: string; rel: string }[];
/** The same policy object exported twice (default and named, or in a bundle array) counts once. */
const seen = new Map<unknown, string>();
for (const { path, rel } of files) {
  await send({ type: 'start', rel });
  let mod: Record<string, unknown>;
  try {
    const { mtimeMs, size } = statSync(path);
    mod = (await import(`${pathToFileURL(path).href}?v=${mtimeMs}-${size}`)) as Record<string, unknown>;
  } catch (e) {
    await send({ type: 'error', rel, message: firstLines(e) });
    process.exit(0);
  }
  const irs = [];
  for (const policy of policiesExported(mod)) {
    if (!isPolicy(policy) || seen.has(policy)) continue;
    seen.set(policy, rel);
    irs.push(policy.ir);
  }
  await send({ type: 'loaded', rel, irs: JSON.parse(JSON.stringify(irs)) });
}
await send({ type: 'done' });
process.exit(0);
