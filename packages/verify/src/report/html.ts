/**
 * A single-file HTML report (inline CSS, no scripts or external assets, so it can be attached to
 * a CI run and opened anywhere): a policies × engines × fixture groups matrix, then every
 * disagreement in an expandable `<details>` with the object and each verdict.
 */
import type { Disagreement, VerifyResult } from '../verify.js';
import { disagreementTitle, expectedLine, objectYaml, verdictLine } from './describe.js';
import { verifyPassed } from './json.js';
import { buildMatrix, type Cell } from './matrix.js';
import { escapeText as esc } from './xml.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b1f24}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:center}
th.policy,td.policy{text-align:left;font-family:monospace}
td.agree{background:#dafbe1}td.disagree{background:#ffd8d3;font-weight:bold}
td.not-run{background:#eaeef2;color:#57606a}td.empty{color:#8c959f}
pre{background:#f6f8fa;padding:.75em;overflow:auto}
details{margin:.5em 0;border:1px solid #d0d7de;padding:.5em}
summary{cursor:pointer;font-family:monospace}
.ok{color:#1a7f37}.failed{color:#cf222e}`;

function cellHtml(c: Cell): string {
  const text =
    c.status === 'not run'
      ? 'not run'
      : c.status === 'empty'
        ? '–'
        : c.status === 'agree'
          ? `${c.evaluated}`
          : `${c.disagree}/${c.evaluated}${c.errors ? ` (${c.errors} err)` : ''}`;
  const title = c.status === 'disagree' ? `${c.disagree} of ${c.evaluated} disagree` : c.status === 'agree' ? `${c.evaluated} agree` : c.status;
  return `<td class="${c.status.replace(' ', '-')}" title="${esc(title)}">${esc(text)}</td>`;
}

function disagreementHtml(d: Disagreement, i: number): string {
  const verdicts = [
    ...(d.reference ? [verdictLine('reference', d.reference, d.engines.includes('reference'))] : []),
    ...d.decisions.map((x) => verdictLine(x.engine, x, d.engines.includes(x.engine))),
  ];
  return `<details class="disagreement" id="d${i + 1}">
<summary>#${i + 1} ${esc(disagreementTitle(d))}</summary>
<p>${esc(expectedLine(d))}</p>
<pre class="verdicts">${esc(verdicts.join('\n'))}</pre>
<pre class="object">${esc(objectYaml(d.object))}</pre>
</details>`;
}

export function renderHtml(result: VerifyResult): string {
  const m = buildMatrix(result);
  const head1 = m.columns.map((c) => `<th colspan="${m.groups.length}">${esc(c)}</th>`).join('');
  const head2 = m.columns.map(() => m.groups.map((g) => `<th>${esc(g)}</th>`).join('')).join('');
  const rows = m.rows
    .map((r) => `<tr><td class="policy">${esc(r)}</td>${m.columns.map((c) => m.groups.map((g) => cellHtml(m.cell(r, c, g))).join('')).join('')}</tr>`)
    .join('\n');
  const t = result.totals;
  const ok = verifyPassed(result);
  const notRun = result.engines.filter((e) => e.status === 'not run').map((e) => e.id);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>podsec verify</title><style>${STYLE}</style></head>
<body>
<h1>podsec verify: <span class="${ok ? 'ok' : 'failed'}" id="status">${ok ? 'OK' : 'FAILED'}</span></h1>
<p><span id="fixture-count">${t.fixtures}</span> fixtures, <span id="evaluation-count">${t.evaluations}</span> engine evaluations,
<span id="disagreement-count">${t.disagreements}</span> disagreement(s).${result.random ? ` Random: ${result.random.runs} objects, seed ${result.random.seed}.` : ''}${notRun.length ? ` Not run (no adapter): ${esc(notRun.join(', '))}.` : ''}</p>
<table id="matrix">
<thead><tr><th class="policy" rowspan="2">policy</th>${head1}</tr><tr>${head2}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Disagreements</h2>
${result.disagreements.length ? result.disagreements.map(disagreementHtml).join('\n') : '<p>None.</p>'}
</body></html>
`;
}
