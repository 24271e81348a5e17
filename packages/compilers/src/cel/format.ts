/**
 * Line layout for long CEL expressions, so a reviewer reads a generated policy without scrolling:
 * an expression wider than the limit is broken at its outermost `&&`, `||`, `?`, `:`, `+` and
 * commas, one operand a line, nested brackets indented. Only whitespace outside string literals
 * changes, which CEL ignores, so the layout cannot change what an expression means.
 */

/** Text between brackets, or the whole expression: pieces of text and nested groups. */
interface Group {
  open: string;
  close: string;
  pieces: (string | Group)[];
}

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
/** Operators broken before (the operator starts the next line); commas are broken after. */
const LEADING = [' && ', ' || ', ' ? ', ' : ', ' + '] as const;

/** Index just past the string literal starting at `i` (CEL's `"…"` or `'…'`, with backslash escapes). */
function skipString(e: string, i: number): number {
  const quote = e[i];
  for (let j = i + 1; j < e.length; j++) {
    if (e[j] === '\\') j++;
    else if (e[j] === quote) return j + 1;
  }
  return e.length;
}

function parse(e: string): Group {
  const root: Group = { open: '', close: '', pieces: [] };
  const stack: Group[] = [root];
  let text = '';
  const flush = () => {
    if (text) stack[stack.length - 1]!.pieces.push(text);
    text = '';
  };
  for (let i = 0; i < e.length; ) {
    const ch = e[i]!;
    if (ch === '"' || ch === "'") {
      const end = skipString(e, i);
      text += e.slice(i, end);
      i = end;
      continue;
    }
    if (CLOSING[ch]) {
      flush();
      const g: Group = { open: ch, close: CLOSING[ch]!, pieces: [] };
      stack[stack.length - 1]!.pieces.push(g);
      stack.push(g);
    } else if (stack.length > 1 && ch === stack[stack.length - 1]!.close) {
      flush();
      stack.pop();
    } else text += ch;
    i++;
  }
  flush();
  if (stack.length !== 1) throw new Error(`unbalanced brackets in generated CEL: ${e}`);
  return root;
}

const flat = (g: Group): string => g.open + g.pieces.map((p) => (typeof p === 'string' ? p : flat(p))).join('') + g.close;

/** A group's top-level operands: runs of pieces between separators, each with the separator that ends it. */
function operands(g: Group): { pieces: (string | Group)[]; sep: string }[] {
  const out: { pieces: (string | Group)[]; sep: string }[] = [{ pieces: [], sep: '' }];
  for (const p of g.pieces) {
    if (typeof p !== 'string') {
      out[out.length - 1]!.pieces.push(p);
      continue;
    }
    let rest = p;
    for (;;) {
      let at = -1;
      let sep = '';
      for (const s of [...LEADING, ', ']) {
        const k = indexOutsideStrings(rest, s);
        if (k >= 0 && (at < 0 || k < at)) [at, sep] = [k, s];
      }
      if (at < 0) break;
      if (at > 0) out[out.length - 1]!.pieces.push(rest.slice(0, at));
      out[out.length - 1]!.sep = sep;
      out.push({ pieces: [], sep: '' });
      rest = rest.slice(at + sep.length);
    }
    if (rest) out[out.length - 1]!.pieces.push(rest);
  }
  return out;
}

function indexOutsideStrings(s: string, needle: string): number {
  for (let i = 0; i < s.length; ) {
    if (s[i] === '"' || s[i] === "'") i = skipString(s, i);
    else if (s.startsWith(needle, i)) return i;
    else i++;
  }
  return -1;
}

/** Pieces laid out from column `col` at indentation `indent`; groups that do not fit are broken. */
function layoutPieces(pieces: (string | Group)[], indent: number, col: number, width: number): string {
  let out = '';
  for (const p of pieces) {
    const text = typeof p === 'string' ? p : layoutGroup(p, indent, col, width);
    out += text;
    const nl = text.lastIndexOf('\n');
    col = nl < 0 ? col + text.length : text.length - nl - 1;
  }
  return out;
}

function layoutGroup(g: Group, indent: number, col: number, width: number): string {
  const f = flat(g);
  if (col + f.length <= width) return f;
  const ops = operands(g);
  const inner = g.open ? indent + 2 : indent;
  const pad = ' '.repeat(inner);
  // A comprehension's variable stays beside the bracket: `all(c,` then the body below.
  const head = g.open === '(' && ops.length === 2 && ops[0]!.sep === ', ' && /^[A-Za-z_]\w*$/.test(flat({ open: '', close: '', pieces: ops[0]!.pieces }));
  // A list of literals is filled: as many items a line as fit.
  if (g.open === '[' && ops.every((op, i) => op.pieces.every((p) => typeof p === 'string') && (i === ops.length - 1 || op.sep === ', '))) {
    const items = ops.map((op) => (op.pieces as string[]).join(''));
    const lines: string[] = [];
    for (const item of items) {
      const last = lines.length - 1;
      if (last >= 0 && inner + lines[last]!.length + 2 + item.length <= width) lines[last] += `, ${item}`;
      else lines.push(item);
    }
    return `[\n${lines.map((l, i) => `${pad}${l}${i < lines.length - 1 ? ',' : ''}`).join('\n')}\n${' '.repeat(indent)}]`;
  }
  // A concatenation is filled too, each line after the first starting with `+`.
  if (ops.length > 1 && ops.every((op, i) => i === ops.length - 1 || op.sep === ' + ')) {
    const lines: string[] = [];
    ops.forEach((op, i) => {
      const text = layoutPieces(op.pieces, inner, inner + 2, width);
      const last = lines.length - 1;
      if (i > 0 && !text.includes('\n') && !lines[last]!.includes('\n') && inner + lines[last]!.length + 3 + text.length <= width) lines[last] += ` + ${text}`;
      else lines.push(i === 0 ? text : `+ ${text}`);
    });
    const body = lines.map((l) => `${pad}${l}`).join('\n');
    return g.open ? `${g.open}\n${body}\n${' '.repeat(indent)}${g.close}` : body.slice(inner);
  }
  if (head) {
    // `filter(c, !(` then the body's lines at this group's own indentation, closed as `))`.
    const variable = flat({ open: '', close: '', pieces: ops[0]!.pieces });
    const lead = `${g.open}${variable}, `;
    return lead + layoutPieces(ops[1]!.pieces, indent, col + lead.length, width) + g.close;
  }
  let out = g.open;
  ops.forEach((op, i) => {
    const prev = ops[i - 1]?.sep ?? '';
    const lead = (LEADING as readonly string[]).includes(prev) ? `${prev.trim()} ` : '';
    if (g.open || i > 0) out += `\n${pad}`;
    out += lead + layoutPieces(op.pieces, inner, inner + lead.length, width) + (op.sep === ', ' ? ',' : '');
  });
  if (g.open) out += `\n${' '.repeat(indent)}${g.close}`;
  return out;
}

/** Whitespace outside string literals removed: what must not change when an expression is laid out. */
export function celTokens(e: string): string {
  let out = '';
  for (let i = 0; i < e.length; ) {
    if (e[i] === '"' || e[i] === "'") {
      const end = skipString(e, i);
      out += e.slice(i, end);
      i = end;
    } else {
      if (!/\s/.test(e[i]!)) out += e[i];
      i++;
    }
  }
  return out;
}

/**
 * `expr` on one line when it fits in `width` columns, else broken over lines (no line longer than
 * `width` unless a single operand is). 140 leaves room for the YAML indentation of a block scalar
 * under `validations`/`variables` within a 160-column line.
 */
export function formatCel(expr: string, width = 140): string {
  if (expr.length <= width) return expr;
  const out = layoutGroup(parse(expr), 0, 0, width);
  if (celTokens(out) !== celTokens(expr)) throw new Error(`CEL layout changed the expression: ${expr}`);
  return out;
}
