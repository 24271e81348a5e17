/**
 * go-yaml accepts a multi-line quoted scalar whose continuation lines are indented no deeper than
 * its key (common in real ConstraintTemplates' CRD descriptions); YAML 1.2 parsers reject it. In
 * warn mode such lines are re-indented before parsing (folding drops a continuation line's leading
 * spaces, so the value is the same) and each moved line gets a warning; strict mode refuses them.
 */
const indentOf = (line: string) => line.length - line.trimStart().length;

/** Index just past the closing quote of a quoted scalar starting at `start`, or -1 if it does not close. */
function closingQuote(line: string, start: number, quote: string): number {
  for (let i = start + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

/** Where a line's value starts (after `key: ` or `- `), or -1. Keys are plain, as in Kubernetes manifests. */
function valueStart(line: string): number {
  const m = /^(\s*(?:-\s+)*)(?:[^\s"'#][^:#]*?:\s+)?/.exec(line);
  return m && m[0].length < line.length ? m[0].length : -1;
}

/**
 * Re-indents continuation lines of quoted scalars that sit no deeper than the line that opened them.
 * Returns the new text and the 1-based numbers of the lines it moved.
 */
export function reindentQuotedContinuations(text: string): { text: string; moved: number[] } {
  const lines = text.split('\n');
  const moved: number[] = [];
  let blockIndent = -1; // inside a `|` / `>` block scalar opened at this indent
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indentOf(line) > blockIndent) continue;
      blockIndent = -1;
    }
    const at = valueStart(line);
    if (at < 0) continue;
    const head = line.slice(at);
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(head)) {
      blockIndent = indentOf(line);
      continue;
    }
    const quote = head[0];
    if (quote !== '"' && quote !== "'") continue;
    if (closingQuote(line, at, quote) >= 0) continue;
    // The scalar continues: its lines must be indented deeper than the key's (or the list item's) column.
    const keyColumn = /^\s*(?:-\s+)*/.exec(line)![0].length;
    const need = keyColumn + 1;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const cont = lines[j]!;
      if (cont.trim() !== '' && indentOf(cont) < need) {
        lines[j] = ' '.repeat(need - indentOf(cont)) + cont;
        moved.push(j + 1);
      }
      if (closingQuote(`${quote}${lines[j]!.trimStart()}`, 0, quote) >= 0) break;
    }
    i = j;
  }
  return { text: lines.join('\n'), moved };
}
