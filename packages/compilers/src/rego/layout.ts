/**
 * Line layout of a generated module, so reviewers never scroll sideways: comments are re-flowed
 * at COMMENT_WIDTH, and a code line longer than CODE_WIDTH has its widest bracketed list (a set,
 * array, object or call arguments) broken after its opening bracket, its elements filling
 * indented lines up to CODE_WIDTH (a long table stays a few lines, not one line per entry). Message text is exempt: a line carrying a rule's message stays whole, so the text
 * reads as written. CODE_WIDTH leaves room for the 8 spaces a ConstraintTemplate indents its Rego
 * by within the 160-character limit.
 */

export const LINE_LIMIT = 160;
const CODE_WIDTH = 150;
const COMMENT_WIDTH = 100;

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

interface Group {
  open: number;
  close: number;
  /** Offsets of the commas directly inside the group. */
  commas: number[];
  /** A comprehension (`|`) or a body (`;`) directly inside: its parts are not list elements. */
  body: boolean;
}

/** The bracketed groups of one line that open and close on it (string literals skipped). */
function groupsOf(line: string): Group[] {
  const stack: Group[] = [];
  const done: Group[] = [];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
      continue;
    }
    if (ch === '#') break;
    if (ch in OPEN) stack.push({ open: i, close: -1, commas: [], body: false });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const g = stack.pop();
      if (g) done.push({ ...g, close: i });
    } else if (ch === ',' && stack.length) stack[stack.length - 1]!.commas.push(i);
    else if ((ch === '|' || ch === ';') && stack.length) stack[stack.length - 1]!.body = true;
  }
  return done;
}

function wrapCode(line: string): string[] {
  if (line.length <= CODE_WIDTH || /\bmsg := |rule_message\(/.test(line)) return [line];
  const candidates = groupsOf(line).filter((g) => g.commas.length > 0 && !g.body);
  if (!candidates.length) return [line];
  const widest = candidates.reduce((a, b) => (b.close - b.open > a.close - a.open ? b : a));
  const tabs = /^\t*/.exec(line)![0];
  const cuts = [widest.open, ...widest.commas, widest.close];
  const items = cuts.slice(1).map((end, i) => `${line.slice(cuts[i]! + 1, end).trim()}${i < cuts.length - 2 ? ',' : ''}`);
  const filled: string[] = [];
  for (const item of items) {
    const last = filled[filled.length - 1];
    if (last !== undefined && `${last} ${item}`.length <= CODE_WIDTH) filled[filled.length - 1] = `${last} ${item}`;
    else filled.push(`${tabs}\t${item}`);
  }
  return [line.slice(0, widest.open + 1), ...filled.flatMap(wrapCode), ...wrapCode(`${tabs}${line.slice(widest.close)}`)];
}

function wrapComment(line: string): string[] {
  const m = /^(\s*)# (.*)$/.exec(line);
  if (!m || line.length <= COMMENT_WIDTH) return [line];
  const [, lead, text] = m;
  const out: string[] = [];
  let cur = '';
  for (const word of text!.split(' ')) {
    if (cur && `${lead}# ${cur} ${word}`.length > COMMENT_WIDTH) {
      out.push(`${lead}# ${cur}`);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  out.push(`${lead}# ${cur}`);
  return out;
}

/** The module text with long comments re-flowed and long literals broken up. */
export function layoutModule(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => (/^\s*#/.test(line) ? wrapComment(line) : wrapCode(line)))
    .join('\n');
}
