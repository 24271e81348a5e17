/**
 * A single-file HTML report (inline CSS, no scripts or external assets, so it can be attached to
 * a CI run and opened anywhere): the summary first, a policies × engines matrix, the fixture
 * groups, then every disagreement expanded with its (shrunk) object and each verdict.
 */
import type { Disagreement, VerifyResult } from '../verify.js';
import { disagreementTitle, expectedLine, objectYaml, verdictLine } from './describe.js';
import { verifyPassed } from './json.js';
import { buildMatrix, type Cell, disagreementNote } from './matrix.js';
import { escapeText as esc } from './xml.js';

// Fits a 1280 px window: the matrix is policy × engine (fixture groups are a second, small
// table and each cell's tooltip), and long policy names wrap instead of widening the page.
const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;padding:0 1em;max-width:1200px;color:#1b1f24}
.summary{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;background:#f6f8fa}
.summary dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.5em 0}
.summary dt{color:#57606a}.summary dd{margin:0}
table{border-collapse:collapse;margin:1em 0;width:100%;table-layout:fixed}
th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:center;overflow-wrap:anywhere}
th.policy,td.policy{text-align:left;font-family:monospace;width:34%}
td.agree{background:#dafbe1}td.disagree{background:#ffd8d3;font-weight:bold}
td.not-run{background:#eaeef2;color:#57606a}td.empty{color:#8c959f}
pre{background:#f6f8fa;padding:.75em;overflow:auto;max-height:40em}
details{margin:.5em 0;border:1px solid #d0d7de;padding:.5em}
summary{cursor:pointer;font-family:monospace;overflow-wrap:anywhere}
.ok{color:#1a7f37}.failed{color:#cf222e}`;

function cellHtml(c: Cell, breakdown = ''): string {
  const text =
    c.status === 'not run'
      ? 'not run'
      : c.status === 'empty'
        ? '–'
        : c.status === 'agree'
          ? `ok ${c.evaluated}`
          : `✗ ${c.disagree}/${c.evaluated}${disagreementNote(c)}`;
  const title = c.status === 'disagree' ? `${c.disagree} of ${c.evaluated} disagree` : c.status === 'agree' ? `${c.evaluated} agree` : c.status;
  return `<td class="${c.status.replace(' ', '-')}" title="${esc(title + breakdown)}">${esc(text)}</td>`;
}

function disagreementHtml(d: Disagreement, i: number): string {
  const verdicts = [
    ...(d.reference ? [verdictLine('reference', d.reference, d.kinds.reference)] : []),
    ...d.decisions.map((x) => verdictLine(x.engine, x, d.kinds[x.engine], d.messages)),
  ];
  const what = d.fixture.shrunk ? 'Shrunk counterexample (the smallest object that still shows the disagreement)' : 'Object';
  return `<details class="disagreement" id="d${i + 1}" open>
<summary>#${i + 1} ${esc(disagreementTitle(d))}</summary>
<p>${esc(expectedLine(d))}</p>
<pre class="verdicts">${esc(verdicts.join('\n'))}</pre>
<p class="object-label">${what}:</p>
<pre class="object">${esc(objectYaml(d.object))}</pre>
</details>`;
}

export function renderHtml(result: VerifyResult): string {
  const m = buildMatrix(result);
  const head = m.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const breakdown = (r: string, c: (typeof m.columns)[number]) =>
    m.groups
      .map((g) => [g, m.cell(r, c, g)] as const)
      .filter(([, x]) => x.status !== 'empty' && x.status !== 'not run')
      .map(([g, x]) => `\n${g}: ${x.status === 'agree' ? `${x.evaluated} agree` : `${x.disagree} of ${x.evaluated} disagree`}`)
      .join('');
  const rows = m.rows
    .map((r) => `<tr><td class="policy">${esc(r)}</td>${m.columns.map((c) => cellHtml(m.cell(r, c), breakdown(r, c))).join('')}</tr>`)
    .join('\n');
  const groupRows = m.groups.map((g) => `<tr><td class="policy">${esc(g)}</td>${m.columns.map((c) => cellHtml(m.groupCell(c, g))).join('')}</tr>`).join('\n');
  const t = result.totals;
  const ok = verifyPassed(result);
  const run = result.engines.filter((e) => e.status === 'run');
  const notRun = result.engines.filter((e) => e.status === 'not run').map((e) => e.id);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>podsec verify</title><style>${STYLE}</style></head>
<body>
<h1>podsec verify: <span class="${ok ? 'ok' : 'failed'}" id="status">${ok ? 'OK' : 'FAILED'}</span></h1>
<section class="summary" id="summary"><dl>
<dt>disagreements</dt><dd><span id="disagreement-count">${t.disagreements}</span>${t.disagreements ? ' (each is shown below, expanded)' : ''}</dd>
<dt>fixtures</dt><dd><span id="fixture-count">${t.fixtures}</span></dd>
<dt>engine evaluations</dt><dd><span id="evaluation-count">${t.evaluations}</span></dd>
<dt>engines run</dt><dd>${run.length ? run.map((e) => `${esc(e.id)}${e.description ? ` — ${esc(e.description)}` : ''}`).join('<br>') : 'none'}</dd>
${notRun.length ? `<dt>not run</dt><dd>${esc(notRun.join(', '))} (no adapter)</dd>\n` : ''}${result.random ? `<dt>random</dt><dd>${result.random.runs} objects, seed ${result.random.seed}</dd>\n` : ''}</dl></section>
<h2>Policies × engines</h2>
<table id="matrix">
<thead><tr><th class="policy">policy</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Fixture groups × engines</h2>
<table id="groups">
<thead><tr><th class="policy">fixture group</th>${head}</tr></thead>
<tbody>
${groupRows}
</tbody></table>
<h2>Disagreements</h2>
${result.disagreements.length ? result.disagreements.map(disagreementHtml).join('\n') : '<p>None.</p>'}
</body></html>
`;
}
