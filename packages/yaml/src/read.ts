/**
 * YAML as Go tooling reads it: kubectl, gator and kubectl-kyverno decode with go-yaml v2 through
 * sigs.k8s.io/yaml, so scalars resolve by YAML 1.1 (`yes`/`on` are booleans, `0755` is octal,
 * `0b1`/`1_000` are integers, `<<` merges), timestamps stay strings, and an under-indented quoted
 * continuation line is accepted. The `yaml` library parses the text (every scalar kept as its
 * source text); resolver.ts resolves it. One reader, two modes:
 * - `strict` (podsec eval / verify / pss import: the object must be the one the cluster stores):
 *   anything tools read differently is refused with `file:line:col` and a fix;
 * - `warn` (podsec test kyverno / gator: suites written for Go tools): read as Go reads it, with a
 *   warning naming each place YAML 1.2 tools would read or parse differently.
 * Both enforce the limits (limits.ts) before and while reading.
 */
import { Composer, LineCounter, Parser, type Document } from 'yaml';
import { DEFAULT_YAML_LIMITS, mib, type YamlLimits } from './limits.js';
import { reindentQuotedContinuations } from './reindent.js';
import { GoYamlError, Resolver, type Json, type YamlMode } from './resolver.js';

export interface GoYamlDocument {
  /** 0-based position of the document in the file (empty and comment-only documents count). */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  value: Json;
}

export interface GoYamlOptions {
  /** `warn` (the default) reads what Go reads and warns; `strict` refuses what tools read differently. */
  mode?: YamlMode;
  /** Resolve scalars by YAML 1.1, as go-yaml v2 does (default true); false: the YAML 1.2 core schema. */
  yaml11?: boolean;
  limits?: YamlLimits;
  /** Where warn-mode warnings go; by default a Node process warning. */
  warn?: (message: string) => void;
}

const defaultWarn = (message: string) => process.emitWarning(message, { code: 'PODSEC_GO_YAML' });

/** The longest run between `---`/`...` markers: an oversized document is refused before it is composed. */
function largestDocument(text: string): number {
  let largest = 0;
  let start = 0;
  const re = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    largest = Math.max(largest, m.index - start);
    start = m.index;
  }
  return Math.max(largest, text.length - start);
}

/**
 * The deepest nesting of flow collections (`[`/`{`), counting only brackets where a value can
 * start and skipping quoted text and comments. The YAML library recurses (and runs out of memory)
 * on hostile flow nesting, so this cheap scan refuses it first; the resolver enforces the exact
 * limit on what parses.
 */
function flowDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let prev = '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const valueStart = prev === '\n' || prev === ':' || prev === '-' || prev === '[' || prev === '{' || prev === ',' || prev === '?';
    if ((c === '"' || c === "'") && valueStart) {
      let close = text.indexOf(c, i + 1);
      while (c === '"' && close > 0 && text[close - 1] === '\\') close = text.indexOf(c, close + 1);
      i = close < 0 ? text.length : close;
      prev = 'x';
      continue;
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if ((c === '[' || c === '{') && valueStart) {
      max = Math.max(max, ++depth);
      if (max > stopAt) return max;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    if (c !== ' ' && c !== '\t' && c !== '\r') prev = c;
  }
  return max;
}

/** A syntax error of the YAML text itself (as opposed to a value the resolver refuses). */
class SyntaxFailure extends GoYamlError {}

interface Attempt {
  docs: GoYamlDocument[];
  warnings: string[];
}

function read(text: string, file: string, mode: YamlMode, yaml11: boolean, limits: YamlLimits): Attempt {
  const lines = new LineCounter();
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const docs: GoYamlDocument[] = [];
  const warnings: string[] = [];
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ version: '1.1', schema: 'failsafe', uniqueKeys: false, strict: true });
  let index = 0;
  const take = (doc: Document.Parsed) => {
    const i = index++;
    const err = doc.errors[0];
    if (err)
      throw new SyntaxFailure(
        `${at(err.pos[0])}: document ${i} is not valid YAML/JSON (${err.message
          .split('\n')[0]!
          .replace(/ at line \d+, column \d+:?$/, '')
          .slice(0, 200)}). Fix: correct the syntax there.`,
      );
    const resolver = new Resolver(doc, { mode, yaml11, limits, index: i, where: (node) => at(node?.range?.[0]), warn: (w) => warnings.push(w) });
    let value: Json;
    try {
      value = resolver.value(doc.contents);
    } catch (e) {
      if (e instanceof RangeError)
        throw new GoYamlError(`${at(doc.range[0])}: document ${i} nests too deeply to read (limit ${limits.maxDepth} levels). Fix: flatten it.`);
      throw e;
    }
    docs.push({ index: i, line: lines.linePos(doc.range[0]).line, value });
  };
  try {
    for (const token of parser.parse(text)) for (const doc of composer.next(token)) take(doc);
    for (const doc of composer.end(false, text.length)) take(doc);
  } catch (e) {
    // The parser recurses on flow collections; a stack overflow there is hostile nesting.
    if (e instanceof RangeError) throw new GoYamlError(`${file}: nesting is too deep to read (limit ${limits.maxDepth} levels). Fix: flatten the document.`);
    throw e;
  }
  return { docs, warnings };
}

/** Reads a multi-document YAML stream as Go's YAML parser does. `file` names the input in every message. */
export function parseGoYaml(text: string, file: string, options: GoYamlOptions = {}): GoYamlDocument[] {
  const mode = options.mode ?? 'warn';
  const yaml11 = options.yaml11 ?? true;
  const limits = options.limits ?? DEFAULT_YAML_LIMITS;
  const warn = options.warn ?? defaultWarn;
  const biggest = largestDocument(text);
  if (biggest > limits.maxYamlDocumentBytes)
    throw new GoYamlError(
      `${file}: a YAML document is ${mib(biggest)}, more than the ${mib(limits.maxYamlDocumentBytes)} limit (the API server's request limit). Fix: split it into documents separated by ---, or pass it as JSON (kubectl get -o json).`,
    );
  if (flowDepth(text, limits.maxDepth) > limits.maxDepth)
    throw new GoYamlError(`${file}: nesting is deeper than ${limits.maxDepth} levels (the limit; a Pod needs about 12). Fix: flatten the document.`);
  let attempt: Attempt;
  try {
    attempt = read(text, file, mode, yaml11, limits);
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    // Go accepts quoted scalars continued at their key's indentation; YAML 1.2 does not.
    const fixed = reindentQuotedContinuations(text);
    if (!fixed.moved.length) throw e;
    let retry: Attempt;
    try {
      retry = read(fixed.text, file, mode, yaml11, limits);
    } catch {
      throw e;
    }
    const first = fixed.moved[0]!;
    if (mode === 'strict')
      throw new GoYamlError(
        `${file}:${first}: this continuation line of a multi-line quoted scalar is indented no deeper than its key. Go's YAML parser (kubectl) accepts it; YAML 1.2 parsers reject it. Fix: indent the line further.`,
      );
    for (const n of fixed.moved)
      warn(
        `${file}:${n}: this continuation line of a multi-line quoted scalar is indented no deeper than its key. ` +
          "Go's YAML parser (gator, kubectl-kyverno) accepts it and so does podsec; YAML 1.2 parsers reject it. Fix: indent the line further.",
      );
    attempt = retry;
  }
  for (const w of attempt.warnings) warn(w);
  return attempt.docs;
}
