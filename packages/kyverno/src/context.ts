/**
 * The JSON context a rule's `{{ }}` expressions query (Kyverno's pkg/engine/context): `request.*`, `images`,
 * context `variable` entries, foreach `element`/`elementIndex` and values injected by the CLI.
 */
import { isObject, shallowCopy as copy, type JsonObject } from './json.js';
import { kyvernoSearch, searchCompiled } from './jmespath/interpreter.js';
import { preparedQuery, type PreparedQuery } from './prepared-query.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Split a dotted variable name the way Kyverno's AddVariable does (CSV with '.', so `"a.b"` stays one key). */
export function splitVariablePath(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === '"') {
      if (quoted && key[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * JSON merge (RFC 7386 without deletes), the way addToContext merges into the raw context. Copy-on-write: the
 * context is a persistent structure, so a checkpoint is just a reference and values are never cloned.
 */
function merged(target: JsonObject, patch: JsonObject): JsonObject {
  const out = copy(target);
  for (const [k, v] of Object.entries(patch)) {
    const existing = out[k];
    out[k] = isObject(v) && isObject(existing) ? merged(existing, v) : v;
  }
  return out;
}

/** `element<n>` and `elementIndex<n>` for the usual nesting levels, built once: they are set for every element. */
const ELEMENT_KEYS = Array.from({ length: 4 }, (_, n) => `element${n}`);
const ELEMENT_INDEX_KEYS = Array.from({ length: 4 }, (_, n) => `elementIndex${n}`);
const elementKey = (nesting: number): string => ELEMENT_KEYS[nesting] ?? `element${nesting}`;
const elementIndexKey = (nesting: number): string => ELEMENT_INDEX_KEYS[nesting] ?? `elementIndex${nesting}`;

/**
 * A context entry evaluated when first read (setLazy): its expression cannot fail (cannot-fail.ts) and is
 * evaluated on the data as it was when the entry was added, so the value is the one eager loading gives.
 */
class LazyEntry {
  private value: unknown;
  private done = false;
  constructor(
    private readonly expression: string,
    private readonly data: JsonObject,
  ) {}

  get(): unknown {
    if (!this.done) {
      this.value = kyvernoSearch(this.expression, this.data);
      this.done = true;
    }
    return this.value;
  }
}

/**
 * The context data is treated as immutable: callers must not mutate objects they pass in or get back
 * (the engine never does; substitution and pattern checks build new values).
 */
export class JsonContext {
  private data: JsonObject;
  private readonly checkpoints: JsonObject[] = [];
  /** Top-level entries computed on first need (see constructor). */
  private readonly deferred: Readonly<Record<string, () => unknown>> | undefined;
  private readonly initial: JsonObject;
  private deferredValues: Map<string, JsonObject[string]> | undefined;
  /** Names ever added with setLazy; the data holds a LazyEntry under them until one is read. */
  private readonly lazyNames = new Set<string>();

  /**
   * `deferred` entries (the request's `images`) join the data when a query names them or before the data
   * changes, at their place after the initial keys: most rules never read them, and building them per request
   * cost more than many rules.
   */
  constructor(initial: JsonObject = {}, deferred?: Readonly<Record<string, () => unknown>>) {
    this.data = initial;
    this.initial = initial;
    this.deferred = deferred;
  }

  /** Adds the deferred entries the data lacks (all, or those `expression` mentions). */
  private materialize(expression?: PreparedQuery): void {
    const deferred = this.deferred;
    if (!deferred) return;
    let missing = false;
    for (const k in deferred) {
      if (!Object.hasOwn(this.data, k) && (expression === undefined || expression.mentions(k))) missing = true;
    }
    if (!missing) return;
    const values = (this.deferredValues ??= new Map());
    const out: JsonObject = {};
    for (const k of [...Object.keys(this.initial), ...Object.keys(deferred)]) {
      const thunk = Object.hasOwn(deferred, k) ? deferred[k] : undefined;
      if (thunk && (expression === undefined || expression.mentions(k))) {
        if (!values.has(k)) values.set(k, thunk() as JsonObject[string]);
        out[k] = values.get(k) as JsonObject[string];
      } else if (Object.hasOwn(this.data, k)) out[k] = this.data[k] as JsonObject[string];
    }
    for (const [k, v] of Object.entries(this.data)) if (!Object.hasOwn(out, k)) out[k] = v;
    this.data = out;
  }

  /** Replaces the lazy entries (all, or those `expression` mentions) by their values. */
  private resolve(expression?: PreparedQuery): void {
    let data: JsonObject | undefined;
    for (const k of this.lazyNames) {
      const v = (data ?? this.data)[k];
      if (!(v instanceof LazyEntry) || (expression !== undefined && !expression.mentions(k))) continue;
      data ??= copy(this.data);
      data[k] = v.get() as JsonObject[string];
    }
    if (data) this.data = data;
  }

  /**
   * Before replacing `key`: deferred entries join first only when `key` is one of them, so the replaced key
   * keeps its place; materialize() places the others where eager building would have put them.
   */
  private materializeBefore(key: string): void {
    if (this.deferred && Object.hasOwn(this.deferred, key)) this.materialize();
  }

  raw(): JsonObject {
    this.materialize();
    this.resolve();
    return this.data;
  }

  /** `expression` on the data: a text, or one prepared once (prepared-query.ts) by a caller that repeats it. */
  query(expression: string | PreparedQuery): unknown {
    const q = typeof expression === 'string' ? preparedQuery(expression) : expression;
    if (q.text === '') throw new Error('invalid query (nil)');
    this.materialize(q);
    if (this.lazyNames.size) this.resolve(q.escapes ? undefined : q);
    return searchCompiled(q.compiled(), this.data);
  }

  /** The operation the substitution layer uses to rewrite request.object → request.oldObject on DELETE. */
  operation(): string {
    const req = this.data['request'];
    const op = isObject(req) ? req['operation'] : undefined;
    return typeof op === 'string' ? op : '';
  }

  addVariable(key: string, value: unknown): void {
    this.materialize();
    this.resolve();
    const path = splitVariablePath(key);
    let patch = value as JsonObject[string];
    for (let i = path.length - 1; i >= 0; i--) patch = { [path[i] as string]: patch };
    this.data = merged(this.data, patch as JsonObject);
  }

  /** Replace a top-level entry (not merged): context `variable` entries, rewritten requests. */
  set(key: string, value: unknown): void {
    this.materializeBefore(key);
    const data = copy(this.data);
    data[key] = value as JsonObject[string];
    this.data = data;
  }

  /**
   * A top-level entry whose value is `expression` on the current data, computed when a query first names it.
   * Only for expressions that cannot fail: then evaluating later gives the value, and the verdict, of now.
   */
  setLazy(key: string, expression: string): void {
    this.materializeBefore(key);
    const q = preparedQuery(expression);
    this.materialize(q);
    this.resolve(q);
    const data = copy(this.data);
    data[key] = new LazyEntry(expression, this.data) as unknown as JsonObject[string];
    this.lazyNames.add(key);
    this.data = data;
  }

  /** foreach: `element`, `elementIndex` and their nesting-level twins (`element0`, `elementIndex0`, …). */
  addElement(element: unknown, index: number, nesting: number): void {
    // The element keys are never deferred ones: materialize() still puts deferred keys at their place later.
    if (this.deferred && (Object.hasOwn(this.deferred, 'element') || Object.hasOwn(this.deferred, 'elementIndex'))) this.materialize();
    const e = element as JsonObject[string];
    const data = copy(this.data);
    data['element'] = e;
    data[elementKey(nesting)] = e;
    data['elementIndex'] = index;
    data[elementIndexKey(nesting)] = index;
    this.data = data;
  }

  checkpoint(): void {
    this.checkpoints.push(this.data);
  }

  /** Back to the last checkpoint, keeping it (Kyverno's Reset). */
  reset(): void {
    const top = this.checkpoints[this.checkpoints.length - 1];
    if (top) this.data = top;
  }

  /** Back to the last checkpoint and drop it (Kyverno's Restore). */
  restore(): void {
    const top = this.checkpoints.pop();
    if (top) this.data = top;
  }
}
