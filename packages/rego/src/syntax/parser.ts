// Recursive-descent parser for the Rego subset podsec compiles, accepting both v1 (`if`,
// `contains`) and v0 (`p[x] { ... }`) rule syntax so existing Gatekeeper templates load as-is.
import type { ElseClause, Import, Literal, Module, Rule, RuleHead, Term, WithModifier } from './ast.js';
import { RegoCompileError, unsupported, type Pos } from './errors.js';
import { lex, type Token } from './lexer.js';

/** Binary operators by precedence level, lowest first (OPA: relation < `|` < `&` < `+ -` < `* / %`). */
const INFIX_LEVELS: Record<string, string>[] = [
  { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' },
  { '|': 'or' },
  { '&': 'and' },
  { '+': 'plus', '-': 'minus' },
  { '*': 'mul', '/': 'div', '%': 'rem' },
];

const KEYWORDS_RESERVED = new Set(['with', 'as']);
/** Nesting of terms (parentheses, arrays, objects, unary minus) the parser accepts; far beyond real policies, well within the stack. */
export const MAX_TERM_NESTING = 256;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly file: string,
    private readonly toks: Token[],
  ) {}

  private get t(): Token {
    return this.toks[this.i]!;
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private is(text: string, tok: Token = this.t): boolean {
    return (tok.kind === 'punct' || tok.kind === 'ident') && tok.text === text;
  }
  private next(): Token {
    const t = this.t;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private fail(msg: string, tok: Token = this.t): never {
    throw new RegoCompileError(tok.pos, msg);
  }
  private expect(text: string, what = `"${text}"`): Token {
    if (!this.is(text)) this.fail(`expected ${what}, found ${this.describe(this.t)}`);
    return this.next();
  }
  private describe(t: Token): string {
    return t.kind === 'eof' ? 'end of file' : t.kind === 'string' ? `string ${JSON.stringify(t.text)}` : `"${t.text}"`;
  }
  private ident(what: string): Token {
    if (this.t.kind !== 'ident') this.fail(`expected ${what}, found ${this.describe(this.t)}`);
    return this.next();
  }

  parseModule(): Module {
    if (!this.is('package')) this.fail('expected "package" declaration at the start of the module');
    const pkgTok = this.next();
    const pkg = this.dottedPath();
    const imports: Import[] = [];
    while (this.is('import')) imports.push(this.importDecl());
    const rules: Rule[] = [];
    while (this.t.kind !== 'eof') rules.push(...this.rule());
    return { file: this.file, pkg, pkgPos: pkgTok.pos, imports, rules };
  }

  private dottedPath(): string[] {
    const parts = [this.ident('a name').text];
    for (;;) {
      if (this.is('.') && !this.t.nlBefore) {
        this.next();
        parts.push(this.ident('a name').text);
      } else if (this.is('[') && !this.t.nlBefore && this.peek().kind === 'string') {
        this.next();
        parts.push(this.next().text);
        this.expect(']');
      } else return parts;
    }
  }

  private importDecl(): Import {
    const pos = this.next().pos;
    const path = this.dottedPath();
    let alias: string | null = null;
    if (this.is('as') && !this.t.nlBefore) {
      this.next();
      alias = this.ident('an import alias').text;
    }
    return { path, alias, pos };
  }

  // ---- rules -------------------------------------------------------------------------------

  /** One rule, plus v0's extra bodies `p { a } { b }`, each an alternative definition of the same head. */
  private rule(): Rule[] {
    const first = this.singleRule();
    const out = [first];
    while (!first.isDefault && this.is('{') && !this.t.nlBefore) {
      const pos = this.t.pos;
      out.push({ ...first, body: this.block(), elses: [], pos });
    }
    return out;
  }

  private singleRule(): Rule {
    const start = this.t;
    const isDefault = this.is('default') && this.peek().kind === 'ident' && !this.peek().nlBefore;
    if (isDefault) this.next();
    const nameTok = this.ident('a rule name');
    if (this.is('.') && !this.t.nlBefore)
      throw unsupported(this.t.pos, 'multi-segment rule head (ref head)', 'declare the rule in a package of that name instead');
    const head: RuleHead = { name: nameTok.text, args: null, key: null, value: null, partialSet: false, pos: nameTok.pos };
    if (this.is('(') && !this.t.nlBefore) {
      this.next();
      head.args = this.termList(')');
    } else if (this.is('[') && !this.t.nlBefore) {
      this.next();
      head.key = this.term();
      this.expect(']');
      if (!this.is('=') && !this.is(':=')) head.partialSet = true;
    } else if (this.is('contains') && !this.t.nlBefore) {
      this.next();
      head.key = this.term();
      head.partialSet = true;
    }
    if (this.is('=') || this.is(':=')) {
      this.next();
      head.value = this.term();
      if (this.is('with') && !this.t.nlBefore) this.fail('"with" modifies an expression in a rule body, not a rule head value');
    }
    if (isDefault) {
      if (head.value === null) this.fail('default rules need a value: default p := <value>', nameTok);
      return { isDefault, head, body: [], elses: [], pos: start.pos };
    }
    const body = this.ruleBody(true);
    const elses: ElseClause[] = [];
    while (this.is('else')) {
      const pos = this.next().pos;
      let value: Term | null = null;
      if (this.is('=') || this.is(':=')) {
        this.next();
        value = this.term();
      }
      elses.push({ value, body: this.ruleBody(true) ?? [], pos });
    }
    return { isDefault, head, body: body ?? [], elses, pos: start.pos };
  }

  /** `if { ... }`, `if expr`, v0 `{ ... }`, or nothing (a constant rule). */
  private ruleBody(allowEmpty: boolean): Literal[] | null {
    if (this.is('if')) {
      this.next();
      if (this.is('{')) return this.block();
      return [this.literal()];
    }
    if (this.is('{') && (!this.t.nlBefore || !allowEmpty)) return this.block();
    if (!allowEmpty) this.fail(`expected a rule body, found ${this.describe(this.t)}`);
    return null;
  }

  private block(): Literal[] {
    this.expect('{');
    const lits = this.literals('}');
    this.expect('}');
    if (lits.length === 0) this.fail('rule body must not be empty', this.toks[this.i - 1]);
    return lits;
  }

  /** Literals separated by `;` or newlines, up to (not including) `close`. */
  private literals(close: string): Literal[] {
    const out: Literal[] = [];
    while (!this.is(close)) {
      if (this.t.kind === 'eof') this.fail(`expected "${close}" before end of file`);
      out.push(this.literal());
      if (this.is(';')) this.next();
      else if (!this.is(close) && !this.t.nlBefore) this.fail(`expected a newline or ";" after the expression, found ${this.describe(this.t)}`);
    }
    return out;
  }

  private literal(): Literal {
    const t = this.t;
    if (this.is('not')) {
      this.next();
      return { type: 'not', lit: this.literal(), pos: t.pos };
    }
    if (this.is('some')) return this.withModifiers(this.some());
    if (this.is('every')) return this.withModifiers(this.every());
    const left = this.term();
    let lit: Literal;
    if ((this.is(':=') || this.is('=')) && !this.t.nlBefore) {
      const op = this.next().text;
      const right = this.term();
      lit = op === ':=' ? { type: 'assign', left, right, pos: t.pos } : { type: 'unify', left, right, pos: t.pos };
    } else {
      lit = { type: 'expr', term: left, pos: t.pos };
    }
    return this.withModifiers(lit);
  }

  private withModifiers(lit: Literal): Literal {
    const mods: WithModifier[] = [];
    while (this.is('with') && !this.t.nlBefore) {
      const pos = this.next().pos;
      const target = this.term();
      this.expect('as');
      mods.push({ target, value: this.term(), pos });
    }
    return mods.length ? { type: 'with', lit, mods, pos: lit.pos } : lit;
  }

  private some(): Literal {
    const pos = this.next().pos;
    const first = this.term({ noIn: true });
    if (this.is(',')) {
      this.next();
      const second = this.term({ noIn: true });
      if (this.is('in')) {
        this.next();
        return { type: 'somein', key: first, value: second, coll: this.term(), pos };
      }
      const names = [first, second];
      while (this.is(',')) {
        this.next();
        names.push(this.term({ noIn: true }));
      }
      return this.someDecl(names, pos);
    }
    if (this.is('in')) {
      this.next();
      return { type: 'somein', key: null, value: first, coll: this.term(), pos };
    }
    return this.someDecl([first], pos);
  }

  private someDecl(names: Term[], pos: Pos): Literal {
    for (const n of names) if (n.type !== 'var') this.fail('"some" declares variables: some x, y', this.toks[this.i - 1]);
    return { type: 'some', names, pos };
  }

  private every(): Literal {
    const pos = this.next().pos;
    const first = this.term({ noIn: true });
    let key: Term | null = null;
    let value = first;
    if (this.is(',')) {
      this.next();
      key = first;
      value = this.term({ noIn: true });
    }
    this.expect('in', '"in" after the every variables');
    const coll = this.term();
    this.expect('{');
    const body = this.literals('}');
    this.expect('}');
    return { type: 'every', key, value, coll, body, pos };
  }

  // ---- terms -------------------------------------------------------------------------------

  private termList(close: string): Term[] {
    const out: Term[] = [];
    while (!this.is(close)) {
      out.push(this.term());
      if (this.is(',')) this.next();
      else if (!this.is(close)) this.fail(`expected "," or "${close}", found ${this.describe(this.t)}`);
    }
    this.expect(close);
    return out;
  }

  /** `noBar` keeps a top-level `|` for a comprehension instead of the set-union operator. */
  term(opts: { noIn?: boolean; noBar?: boolean } = {}): Term {
    let left = this.infix(0, opts.noBar ?? false);
    while (!opts.noIn && this.is('in') && !this.t.nlBefore) {
      const pos = this.next().pos;
      const coll = this.infix(0, opts.noBar ?? false);
      left = { type: 'call', name: ['internal', 'member_2'], args: [left, coll], pos, operator: true };
    }
    return left;
  }

  private infix(level: number, noBar: boolean): Term {
    if (level >= INFIX_LEVELS.length) return this.unary();
    let left = this.infix(level + 1, noBar);
    const ops = INFIX_LEVELS[level]!;
    while (this.t.kind === 'punct' && this.t.text in ops && !this.t.nlBefore && !(noBar && this.t.text === '|')) {
      const tok = this.next();
      const right = this.infix(level + 1, noBar);
      left = { type: 'call', name: [ops[tok.text]!], args: [left, right], pos: tok.pos, operator: true };
    }
    return left;
  }

  private unary(): Term {
    if (++this.depth > MAX_TERM_NESTING)
      this.fail(
        `terms nest deeper than ${MAX_TERM_NESTING} levels (parentheses, arrays or objects inside each other). Fix: split the expression into rules or variables`,
      );
    try {
      return this.unaryTerm();
    } finally {
      this.depth--;
    }
  }

  private unaryTerm(): Term {
    if (this.is('-') && this.peek().kind === 'number' && !this.peek().nlBefore) {
      const pos = this.next().pos;
      return this.postfix({ type: 'scalar', value: -Number(this.next().text), pos });
    }
    if (this.is('-')) {
      const pos = this.next().pos;
      return { type: 'call', name: ['minus'], args: [{ type: 'scalar', value: 0, pos }, this.unary()], pos, operator: true };
    }
    return this.postfix(this.primary());
  }

  private primary(): Term {
    const t = this.t;
    switch (t.kind) {
      case 'number':
        this.next();
        return { type: 'scalar', value: Number(t.text), pos: t.pos };
      case 'string':
        this.next();
        return { type: 'scalar', value: t.text, pos: t.pos };
      case 'ident': {
        this.next();
        if (t.text === 'true' || t.text === 'false') return { type: 'scalar', value: t.text === 'true', pos: t.pos };
        if (t.text === 'null') return { type: 'scalar', value: null, pos: t.pos };
        if (KEYWORDS_RESERVED.has(t.text)) this.fail(`unexpected keyword "${t.text}"`, t);
        return { type: 'var', name: t.text, pos: t.pos };
      }
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.term();
          this.expect(')');
          return inner;
        }
        if (t.text === '[') return this.arrayish();
        if (t.text === '{') return this.braced();
        break;
      default:
        break;
    }
    return this.fail(`expected a term, found ${this.describe(t)}`);
  }

  private postfix(head: Term): Term {
    let term = head;
    for (;;) {
      if (this.is('.') && !this.t.nlBefore) {
        this.next();
        const key = this.ident('a field name after "."');
        term = this.extend(term, { type: 'scalar', value: key.text, pos: key.pos });
      } else if (this.is('[') && !this.t.nlBefore) {
        this.next();
        const key = this.term();
        this.expect(']');
        term = this.extend(term, key);
      } else if (this.is('(') && !this.t.nlBefore) {
        const name = this.callName(term);
        this.next();
        term = { type: 'call', name, args: this.termList(')'), pos: term.pos };
      } else return term;
    }
  }

  private extend(term: Term, key: Term): Term {
    if (term.type === 'ref') return { ...term, path: [...term.path, key] };
    return { type: 'ref', head: term, path: [key], pos: term.pos };
  }

  /**
   * `[a | b]` may be a comprehension or an array holding a set union; like OPA's parser, try the
   * comprehension first and fall back to a literal when that does not parse. `parse` returns null
   * where a literal is plain to see (no `|` after the head): most literals, and an error built per
   * literal cost measurable time in modules of many policies.
   */
  private attempt<R>(parse: () => R): R | null {
    const start = this.i;
    try {
      return parse();
    } catch (e) {
      // An unsupported construct inside a comprehension is reported as such, not masked by the fallback.
      if (!(e instanceof RegoCompileError) || e.detail.startsWith('unsupported:')) throw e;
      this.i = start;
      return null;
    }
  }

  private callName(term: Term): string[] {
    if (term.type === 'var') return [term.name];
    if (term.type === 'ref' && term.head.type === 'var' && term.path.every((p) => p.type === 'scalar' && typeof p.value === 'string')) {
      return [term.head.name, ...term.path.map((p) => String((p as { value: string }).value))];
    }
    return this.fail('only named functions can be called');
  }

  private arrayish(): Term {
    const pos = this.next().pos;
    if (this.is(']')) {
      this.next();
      return { type: 'array', items: [], pos };
    }
    const start = this.i;
    const compr = this.attempt(() => {
      const head = this.term({ noBar: true });
      if (!this.is('|')) return null;
      this.next();
      const body = this.literals(']');
      this.expect(']');
      return { type: 'arraycompr' as const, head, body, pos };
    });
    if (compr) return compr;
    this.i = start;
    const items = [this.term()];
    while (this.is(',')) {
      this.next();
      if (this.is(']')) break;
      items.push(this.term());
    }
    this.expect(']', '"," or "]"');
    return { type: 'array', items, pos };
  }

  private braced(): Term {
    const pos = this.next().pos;
    if (this.is('}')) {
      this.next();
      return { type: 'object', entries: [], pos };
    }
    const start = this.i;
    const compr = this.attempt((): Term | null => {
      const head = this.term({ noBar: true });
      let value: Term | null = null;
      if (this.is(':')) {
        this.next();
        value = this.term({ noBar: true });
      }
      if (!this.is('|')) return null;
      this.next();
      const body = this.literals('}');
      this.expect('}');
      return value ? { type: 'objectcompr', key: head, value, body, pos } : { type: 'setcompr', head, body, pos };
    });
    if (compr) return compr;
    this.i = start;
    const first = this.term();
    if (this.is(':')) {
      this.next();
      const firstValue = this.term();
      const entries: [Term, Term][] = [[first, firstValue]];
      while (this.is(',')) {
        this.next();
        if (this.is('}')) break;
        const k = this.term();
        this.expect(':');
        entries.push([k, this.term()]);
      }
      this.expect('}', '"," or "}"');
      return { type: 'object', entries, pos };
    }
    const items = [first];
    while (this.is(',')) {
      this.next();
      if (this.is('}')) break;
      items.push(this.term());
    }
    this.expect('}', '"," or "}"');
    return { type: 'set', items, pos };
  }
}

export function parseModule(file: string, text: string): Module {
  return new Parser(file, lex(file, text)).parseModule();
}
