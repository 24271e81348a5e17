import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { chromium, type Browser } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { loadAdapters, referenceAdapterFactory } from '../src/adapters.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import type { Fixture } from '../src/fixtures/types.js';
import { jsonReport, renderHtml, renderJson, renderJunit, renderText } from '../src/report/index.js';
import { progressBar } from '../src/report/progress.js';
import { ENGINE_IDS, type AdapterFactory, type EngineId } from '../src/types.js';
import { verify, type VerifyResult } from '../src/verify.js';
import { buildOf, ignoresEphemeral, PSS_IRS, throwing } from './support.js';

/** Text that breaks naive XML/HTML writers: markup, entities, a CDATA end, a C0 control character. */
const NASTY = `<script>window.pwned = 1</script> & "quotes" 'apos' ]]> \u0001 end`;

/** Agrees on everything except that it reports a nasty message, and disagrees on hostPID pods. */
const nastyAdapter =
  (id: EngineId): AdapterFactory =>
  async (build) => {
    const inner = await referenceAdapterFactory(id)(build);
    return {
      id,
      evaluate: (object, ctx, policies) =>
        inner.evaluate(object, ctx, policies).map((d) => {
          const flip = JSON.stringify(object).includes('"hostPID":true');
          return flip
            ? { ...d, outcome: d.outcome === 'violated' ? 'satisfied' : 'violated', violations: [{ rule: 'r<1>', message: NASTY }], evidence: [NASTY] }
            : d;
        }),
    };
  };

const build = buildOf(PSS_IRS.filter((p) => ['pss-privileged', 'pss-host-namespaces', 'pss-run-as-non-root'].includes(p.name)));
const nastyFixture: Fixture = {
  name: `user/${NASTY}`,
  group: 'user',
  object: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'n', namespace: 'default', annotations: { note: NASTY } },
    spec: { hostPID: true, containers: [{ name: 'a', image: 'x' }] },
  },
};
let result: VerifyResult;

beforeAll(async () => {
  const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS, {
    rego: ignoresEphemeral('rego'),
    kyverno: nastyAdapter('kyverno'),
    vpol: throwing('vpol'),
  });
  result = verify({ build, adapters, notRun, fixtures: [...generatedFixtures(build.irs.values()), nastyFixture], random: 100, seed: 5 });
});

describe('JSON report', () => {
  it('has the documented, stable shape', () => {
    const json = JSON.parse(renderJson(result)) as ReturnType<typeof jsonReport>;
    expect(Object.keys(json)).toEqual(['format', 'version', 'ok', 'engines', 'policies', 'counts', 'disagreements', 'totals', 'random', 'samples']);
    expect(json).toMatchObject({ format: 'podsec-verify', version: 1, ok: false, random: { runs: 100, seed: 5 } });
    expect(json.engines).toEqual([
      { id: 'rego', status: 'run' },
      { id: 'kyverno', status: 'run' },
      { id: 'vpol', status: 'run' },
      { id: 'gatekeeper', status: 'not run' },
      { id: 'vap', status: 'not run' },
    ]);
    expect(json.totals.disagreements).toBe(json.disagreements.length);
    for (const d of json.disagreements) {
      expect(Object.keys(d).sort()).toEqual(['decisions', 'engines', 'expected', 'fixture', 'kinds', 'object', 'policy'].sort());
      expect(Object.keys(d.kinds).sort()).toEqual([...d.engines].sort());
      expect(['violated', 'satisfied']).toContain(d.expected.outcome);
      expect(d.decisions.map((x) => x.engine)).toEqual(['rego', 'kyverno', 'vpol']);
    }
    expect(renderJson(result)).toBe(renderJson(result));
  });
});

describe('JUnit report', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

  it('is well-formed XML whatever the messages contain, with one failing case per disagreeing policy × group', () => {
    const xml = renderJunit(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml) as {
      testsuites: {
        failures: string;
        testsuite: {
          name: string;
          failures: string;
          skipped: string;
          testcase: { name: string; failure?: { message: string; '#text': string }; skipped?: unknown }[];
        }[];
      };
    };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual([
      'podsec verify: rego',
      'podsec verify: kyverno',
      'podsec verify: vpol',
      'podsec verify: gatekeeper',
      'podsec verify: vap',
    ]);
    const failing = suites.flatMap((s) => s.testcase.filter((c) => c.failure).map((c) => `${s.name} ${c.name}`));
    const expected = new Set(result.disagreements.flatMap((d) => d.engines.map((e) => `podsec verify: ${e} ${d.policy} [${d.fixture.group}]`)));
    expect(new Set(failing)).toEqual(expected);
    expect(Number(doc.testsuites.failures)).toBe(failing.length);
    // The nasty message survives escaping (control character replaced), inside the kyverno user case.
    const kyvernoUser = suites[1]!.testcase.find((c) => c.name === 'pss-host-namespaces [user]')!;
    expect(kyvernoUser.failure!['#text']).toContain(NASTY.replace('\u0001', '\uFFFD'));
    // An engine with no adapter is skipped, never passed.
    const vap = suites[3]!;
    expect(vap.testcase.length).toBeGreaterThan(0);
    expect(vap.testcase.every((c) => c.skipped !== undefined && !c.failure)).toBe(true);
    expect(Number(vap.skipped)).toBe(vap.testcase.length);
  });
});

describe('text report and progress', () => {
  it('shows the summary table, the not-run engines, and each disagreement with its object as YAML', () => {
    const text = renderText(result);
    expect(text).toMatch(/^policy +rego +kyverno +vpol +gatekeeper +vap\n/);
    expect(text).toContain('not run (no engine adapter registered): gatekeeper, vap');
    expect(text).toContain('ERROR (counts as a disagreement)');
    expect(text).toContain(`error: the vpol adapter threw: policy bundle failed to load`);
    const first = text.split('\n#1 ')[1]!.split('\n#2 ')[0]!;
    const yamlPart = first.split('\n  object:\n')[1]!;
    expect(parseYaml(yamlPart.replace(/^ {4}/gm, ''))).toEqual(result.disagreements[0]!.object);
    // The summary's count is the group table's total row: each run engine's column sums to it.
    const totalRow = text.split('\n').find((l) => l.startsWith('total '))!;
    const columnTotals = [...totalRow.matchAll(/(?:ok |FAIL \d+\/)(\d+)/g)].map((m) => Number(m[1]));
    const run = result.engines.filter((e) => e.status === 'run').length;
    expect(columnTotals.length).toBe(run);
    expect(columnTotals.reduce((a, b) => a + b, 0)).toBe(result.totals.evaluations);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      `FAILED: ${result.totals.fixtures} fixtures, ${result.totals.evaluations} engine evaluations (${columnTotals[0]} per engine: the total row above), ${result.totals.disagreements} disagreement(s).`,
    );
  });

  it('draws a progress bar only on an interactive terminal outside CI', () => {
    let out = '';
    const write = (t: string) => (out += t);
    expect(progressBar({ isTTY: false, write }, {})).toBeUndefined();
    expect(progressBar({ isTTY: true, write }, { CI: 'true' })).toBeUndefined();
    const bar = progressBar({ isTTY: true, write }, {}, 10)!;
    for (let i = 1; i <= 100; i++) bar(i, 100);
    // Redrawn only when the bar grows (11 widths, 0..10) and once more at completion: not 100 times.
    expect(out.split('\r').filter(Boolean)).toHaveLength(12);
    expect(out.endsWith('\r[##########] 100/100\n')).toBe(true);
  });
});

describe('HTML report in a real headless Chromium', () => {
  const CHROMIUM = '/usr/bin/chromium';
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'podsec-html-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); this test does not skip`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the matrix and every disagreement; the count on the page equals the JSON report', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(result));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    const json = jsonReport(result);
    expect(Number(await page.textContent('#disagreement-count'))).toBe(json.totals.disagreements);
    expect(json.totals.disagreements).toBeGreaterThan(0);
    expect(await page.locator('details.disagreement').count()).toBe(json.disagreements.length);
    expect(await page.textContent('#status')).toBe('FAILED');
    // policies × engines: one row per policy, one cell per (policy, engine).
    expect(await page.locator('#matrix tbody tr').count()).toBe(build.irs.size);
    const failingCells = new Set(json.counts.filter((c) => c.disagree > 0).map((c) => `${c.policy}|${c.engine}`));
    expect(await page.locator('#matrix td.disagree').count()).toBe(failingCells.size);
    const notRun = json.engines.filter((e) => e.status === 'not run').length;
    expect(await page.locator('#matrix td.not-run').count()).toBe(notRun * build.irs.size);
    // Disagreements are expanded: verdicts and object visible without a click; the nasty text stays text.
    const nasty = page.locator('details.disagreement', { hasText: 'user/<script>' }).first();
    expect(await nasty.locator('pre.verdicts').isVisible()).toBe(true);
    expect(await nasty.locator('pre.object').textContent()).toContain('hostPID: true');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('fits a 1280 px window with the summary first, and screenshots as rendered', async () => {
    const file = join(dir, 'layout.html');
    writeFileSync(file, renderHtml(result));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pathToFileURL(file).href);
    // No horizontal scrolling: the page is no wider than the window.
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(1280);
    const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
    expect(await top('#summary')).toBeLessThan(await top('#matrix'));
    expect(await top('#matrix')).toBeLessThan(await top('details.disagreement'));
    // The summary and the whole matrix are on the first screen.
    const matrix = (await page.locator('#matrix').boundingBox())!;
    expect(matrix.x + matrix.width).toBeLessThanOrEqual(1280);
    const shot = join(dir, 'report.png');
    const png = await page.screenshot({ path: shot, fullPage: false });
    // PNG IHDR: width and height at bytes 16..23.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(800);
    // A disagreement cell is painted in the failure colour (the screenshot shows colour, not just markup).
    const cell = page.locator('#matrix td.disagree').first();
    expect(
      await cell.evaluate(
        (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor,
      ),
    ).toBe('rgb(255, 216, 211)');
    await page.close();
  });
});
