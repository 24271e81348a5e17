/**
 * Compiles a parsed JMESPath expression to one JavaScript function (built with `new Function` from the AST,
 * never from expression text: field names and string literals are written with JSON.stringify, every other
 * value is passed in as a constant). A tree of closures calls a different closure at every node, which V8
 * cannot inline; one function per expression runs several times faster on the long expressions podsec emits.
 *
 * The generated code has exactly the semantics of interpreter.ts's closures (which it falls back to for the
 * node types it does not generate): a missing key is a Missing value passed up through field chains and
 * absorbed as null by comparators, function arguments, `||`, `&&`'s left side, `!`, pipes, projections and
 * multi-selects; flatten and filter projections swallow any error of their left side.
 */
import type { compile } from '@jmespath-community/jmespath';

type Node = ReturnType<typeof compile>;
export type Evaluator = (value: unknown, root: unknown) => unknown;

/** What generated code calls: the interpreter's own values and helpers. */
export interface CodegenRuntime {
  Missing: new (key: string) => { key: string };
  isFalse: (v: unknown) => boolean;
  strictDeepEqual: (a: unknown, b: unknown) => boolean;
  /** The call for a function name, bound once: receives the evaluated arguments and the root. */
  functionCall: (name: string) => (args: unknown[], root: unknown) => unknown;
  /** An evaluator for `&expr` (a compiled expression reference value). */
  expRef: (child: Node) => unknown;
  /** The interpreter's closure for a node generated code does not handle. */
  fallback: (node: Node) => Evaluator;
}

const COMPARISONS: Readonly<Record<string, string>> = { GT: '>', GTE: '>=', LT: '<', LTE: '<=' };

const isScalarLiteral = (n: Node): n is Node & { type: 'Literal'; value: string | number | boolean | null } =>
  n.type === 'Literal' && (n.value === null || typeof n.value !== 'object');

/** A JavaScript literal for a scalar (JSON text is valid JavaScript). */
const scalar = (v: string | number | boolean | null): string => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v));

class Generator {
  private temps = 0;
  readonly constants: unknown[] = [];
  readonly lines: string[] = [];

  constructor(private readonly rt: CodegenRuntime) {}

  private temp(): string {
    return `t${this.temps++}`;
  }

  private constant(v: unknown): string {
    this.constants.push(v);
    return `K[${this.constants.length - 1}]`;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  /** Generates `node` on the value in variable `cur`; returns the variable holding its raw result. */
  gen(node: Node, cur: string): string {
    const chain = fieldChain(node);
    if (chain) return this.fields(chain, cur);
    const t = this.temp();
    switch (node.type) {
      case 'Subexpression':
      case 'IndexExpression': {
        const l = this.gen(node.left, cur);
        this.emit(`let ${t}; if (${l} instanceof M) ${t} = ${l}; else {`);
        const r = this.gen(node.right, l);
        this.emit(`${t} = ${r}; }`);
        return t;
      }
      case 'Index': {
        const i = node.value;
        const index = i < 0 ? `${cur}.length + ${i}` : String(i);
        this.emit(`let ${t} = null; if (Array.isArray(${cur})) { const i = ${index}; ${t} = i >= 0 && i < ${cur}.length ? ${cur}[i] : null; }`);
        return t;
      }
      case 'Projection': {
        const base = this.absorbed(node.left, cur);
        this.emit(`let ${t} = null; if (Array.isArray(${base})) { ${t} = []; for (const e of ${base}) {`);
        const r = node.right.type === 'Identity' ? 'e' : this.absorbed(node.right, 'e');
        this.emit(`if (${r} !== null && ${r} !== undefined) ${t}.push(${r}); } }`);
        return t;
      }
      case 'FilterProjection': {
        const base = this.swallowed(node.left, cur);
        this.emit(`let ${t} = null; if (Array.isArray(${base})) { ${t} = []; for (const e of ${base}) {`);
        const c = this.absorbed(node.condition, 'e');
        this.emit(`if (isFalse(${c})) continue;`);
        const r = node.right.type === 'Identity' ? 'e' : this.absorbed(node.right, 'e');
        this.emit(`if (${r} !== null && ${r} !== undefined) ${t}.push(${r}); } }`);
        return t;
      }
      case 'Flatten': {
        const base = this.swallowed(node.child, cur);
        this.emit(
          `let ${t} = null; if (Array.isArray(${base})) { ${t} = []; for (const e of ${base}) { if (Array.isArray(e)) { for (const x of e) ${t}.push(x); } else ${t}.push(e); } }`,
        );
        return t;
      }
      case 'Comparator': {
        const a = this.absorbed(node.left, cur);
        if ((node.name === 'EQ' || node.name === 'NE') && isScalarLiteral(node.right)) {
          this.emit(`const ${t} = ${a} ${node.name === 'EQ' ? '===' : '!=='} ${scalar(node.right.value)};`);
          return t;
        }
        const b = this.absorbed(node.right, cur);
        if (node.name === 'EQ') this.emit(`const ${t} = deepEqual(${a}, ${b});`);
        else if (node.name === 'NE') this.emit(`const ${t} = !deepEqual(${a}, ${b});`);
        else {
          const op = COMPARISONS[node.name] ?? '<=';
          this.emit(`const ${t} = typeof ${a} === 'number' && typeof ${b} === 'number' ? ${a} ${op} ${b} : null;`);
        }
        return t;
      }
      case 'OrExpression': {
        const a = this.absorbed(node.left, cur);
        this.emit(`let ${t} = ${a}; if (isFalse(${a})) {`);
        const b = this.absorbed(node.right, cur);
        this.emit(`${t} = ${b}; }`);
        return t;
      }
      case 'AndExpression': {
        const a = this.absorbed(node.left, cur);
        this.emit(`let ${t} = ${a}; if (!isFalse(${a})) {`);
        const b = this.gen(node.right, cur);
        this.emit(`${t} = ${b}; }`);
        return t;
      }
      case 'NotExpression': {
        const a = this.absorbed(node.child, cur);
        this.emit(`const ${t} = isFalse(${a});`);
        return t;
      }
      case 'Pipe': {
        const l = this.absorbed(node.left, cur);
        const r = this.absorbed(node.right, l);
        this.emit(`const ${t} = ${r};`);
        return t;
      }
      case 'MultiSelectList': {
        this.emit(`let ${t} = null; if (${cur} !== null && ${cur} !== undefined) {`);
        const items = node.children.map((c) => this.absorbed(c, cur));
        this.emit(`${t} = [${items.join(', ')}]; }`);
        return t;
      }
      case 'Literal':
        this.emit(`const ${t} = ${isScalarLiteral(node) ? scalar(node.value) : this.constant(node.value)};`);
        return t;
      case 'Current':
      case 'Identity':
        return cur;
      case 'Root':
        return 'root';
      case 'Function': {
        const args = node.children.map((c) => this.absorbed(c, cur));
        this.emit(`const ${t} = ${this.constant(this.rt.functionCall(node.name))}([${args.join(', ')}], root);`);
        return t;
      }
      case 'ExpressionReference':
        this.emit(`const ${t} = ${this.constant(this.rt.expRef(node.child))};`);
        return t;
      case 'Ternary': {
        const c = this.absorbed(node.condition, cur);
        this.emit(`let ${t}; if (isFalse(${c})) {`);
        const f = this.gen(node.falseExpr, cur);
        this.emit(`${t} = ${f}; } else {`);
        const w = this.gen(node.trueExpr, cur);
        this.emit(`${t} = ${w}; }`);
        return t;
      }
      default:
        this.emit(`const ${t} = ${this.constant(this.rt.fallback(node))}(${cur}, root);`);
        return t;
    }
  }

  /** The result with a missing key read as null. */
  private absorbed(node: Node, cur: string): string {
    const r = this.gen(node, cur);
    if (node.type === 'Literal' || node.type === 'Current' || node.type === 'Identity' || node.type === 'Root') return r;
    const t = this.temp();
    this.emit(`const ${t} = ${r} instanceof M ? null : ${r};`);
    return t;
  }

  /** The result with a missing key or any error read as undefined. */
  private swallowed(node: Node, cur: string): string {
    const t = this.temp();
    this.emit(`let ${t}; try {`);
    const r = this.gen(node, cur);
    this.emit(`${t} = ${r} instanceof M ? undefined : ${r}; } catch { ${t} = undefined; }`);
    return t;
  }

  /** `a.b.c` on `cur`: null once a value is no object, the field's Missing once a key is absent. */
  private fields(names: string[], cur: string): string {
    const t = this.temp();
    const x = this.temp();
    this.emit(`let ${t}; ${t}: { let ${x} = ${cur};`);
    for (const name of names) {
      const key = JSON.stringify(name);
      const missing = this.constant(new this.rt.Missing(name));
      // Names Object.prototype has (constructor, toString, …) are read only as own properties.
      const absent = name in Object.prototype ? `!Object.hasOwn(${x}, ${key})` : `${x}[${key}] === undefined && !Object.hasOwn(${x}, ${key})`;
      this.emit(`if (typeof ${x} !== 'object' || ${x} === null || Array.isArray(${x})) { ${t} = null; break ${t}; }`);
      this.emit(`if (${absent}) { ${t} = ${missing}; break ${t}; }`);
      this.emit(`${x} = ${x}[${key}];`);
    }
    this.emit(`${t} = ${x}; }`);
    return t;
  }
}

/** The names of `a.b.c` when node is a chain of plain fields. */
export function fieldChain(node: Node): string[] | undefined {
  if (node.type === 'Field') return [node.name];
  if (node.type !== 'Subexpression' || node.right.type !== 'Field') return undefined;
  const left = fieldChain(node.left);
  return left && [...left, node.right.name];
}

/** One function for `node` with the semantics of the interpreter's closures. */
export function generateEvaluator(node: Node, rt: CodegenRuntime): Evaluator {
  const g = new Generator(rt);
  const result = g.gen(node, 'value');
  const body = `return function evaluate(value, root) {\n${g.lines.join('\n')}\nreturn ${result};\n};`;
  const make = new Function('K', 'M', 'isFalse', 'deepEqual', body) as (...args: unknown[]) => Evaluator;
  return make(g.constants, rt.Missing, rt.isFalse, rt.strictDeepEqual);
}
