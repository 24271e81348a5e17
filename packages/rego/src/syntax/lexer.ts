import { RegoCompileError, type Pos } from './errors.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** For strings, the decoded value; otherwise the source text. */
  text: string;
  pos: Pos;
  /** True when a newline separates this token from the previous one: Rego ends body expressions there. */
  nlBefore: boolean;
}

// Longest first, so that `:=` wins over `:` and `==` over `=`.
const PUNCT = [':=', '==', '!=', '<=', '>=', '{', '}', '[', ']', '(', ')', '.', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '%', '|', '&'];

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function lex(file: string, src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let nl = true;
  const pos = (at: number): Pos => ({ file, line, col: at - lineStart + 1 });
  const fail = (at: number, msg: string): never => {
    throw new RegoCompileError(pos(at), msg);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      nl = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      tokens.push({ kind: 'ident', text: src.slice(start, i), pos: pos(start), nlBefore: nl });
    } else if (/[0-9]/.test(c)) {
      const m = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      if (!m) fail(i, 'invalid number');
      i += m![0].length;
      tokens.push({ kind: 'number', text: m![0], pos: pos(start), nlBefore: nl });
    } else if (c === '"') {
      i++;
      let out = '';
      for (;;) {
        if (i >= src.length || src[i] === '\n') fail(start, 'unterminated string literal');
        const d = src[i]!;
        if (d === '"') break;
        if (d !== '\\') {
          out += d;
          i++;
          continue;
        }
        const e = src[i + 1] ?? '';
        if (e === 'u') {
          const hex = src.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, 'invalid \\u escape in string');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e in SIMPLE_ESCAPES) {
          out += SIMPLE_ESCAPES[e];
          i += 2;
        } else {
          fail(i, `invalid escape \\${e} in string`);
        }
      }
      i++;
      tokens.push({ kind: 'string', text: out, pos: pos(start), nlBefore: nl });
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail(start, 'unterminated raw string literal');
      const text = src.slice(i + 1, end);
      tokens.push({ kind: 'string', text, pos: pos(start), nlBefore: nl });
      for (let k = i; k < end; k++) {
        if (src[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = end + 1;
    } else {
      const p = PUNCT.find((q) => src.startsWith(q, i));
      if (!p) fail(i, `unexpected character ${JSON.stringify(c)}`);
      i += p!.length;
      tokens.push({ kind: 'punct', text: p!, pos: pos(start), nlBefore: nl });
    }
    nl = false;
  }
  tokens.push({ kind: 'eof', text: '<end of file>', pos: pos(i), nlBefore: true });
  return tokens;
}
