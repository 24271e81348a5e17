/**
 * A line-based unified diff (`diff -u` format, 3 lines of context) for `podsec build --check`:
 * what a reviewer needs to see why CI says the committed outputs are stale.
 */

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Above this many LCS cells the diff shows the whole file replaced rather than spend the memory. */
const MAX_CELLS = 16_000_000;
const CONTEXT = 3;

const splitLines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  // lcs[i][j]: longest common subsequence of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) ops.push({ kind: '-', text: a[i++]! });
    else ops.push({ kind: '+', text: b[j++]! });
  }
  while (i < n) ops.push({ kind: '-', text: a[i++]! });
  while (j < m) ops.push({ kind: '+', text: b[j++]! });
  return ops;
}

/** `--- a/…` / `+++ b/…` then hunks; empty string when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return '';
  const ops = editScript(splitLines(oldText), splitLines(newText));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let k = 0;
  while (k < changed.length) {
    // Group changes closer than 2×CONTEXT lines into one hunk.
    let end = k;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * CONTEXT + 1) end++;
    const from = Math.max(0, changed[k]! - CONTEXT);
    const to = Math.min(ops.length, changed[end]! + CONTEXT + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const o of ops.slice(0, from)) {
      if (o.kind !== '+') oldStart++;
      if (o.kind !== '-') newStart++;
    }
    const hunk = ops.slice(from, to);
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? newStart : newStart - 1},${newLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = end + 1;
  }
  return `${out.join('\n')}\n`;
}
