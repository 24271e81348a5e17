/**
 * YAML as Go tooling reads it (gator and kubectl-kyverno decode with go-yaml through sigs.k8s.io/yaml), for
 * test suites, test declarations and the files they reference. Two departures from the `yaml` package matter:
 * - go-yaml accepts a multi-line quoted scalar whose continuation lines are indented no deeper than its key
 *   (common in real ConstraintTemplates' CRD descriptions); YAML 1.2 rejects it. Such lines are re-indented
 *   before parsing — folding drops a continuation line's leading spaces, so the value is the same — and a
 *   warning names each line.
 * - go-yaml v2 resolves plain scalars by YAML 1.1 (`yes`/`on` are booleans, `0755` is octal); with `yaml11`
 *   the documents are read that way, and a warning names each value YAML 1.2 would read differently.
 * Timestamps stay strings either way: they are re-encoded to JSON.
 */
import { parseAllDocuments, type Document, type Tags } from 'yaml';

export interface GoYamlDocument {
  /** 0-based document index in the file, counting empty and comment-only documents. */
  index: number;
  value: unknown;
}

export interface GoYamlOptions {
  /** Resolve scalars by YAML 1.1, as go-yaml v2 does (default true). */
  yaml11?: boolean;
  /** Where warnings go; by default a Node process warning. */
  warn?: (message: string) => void;
}

export class GoYamlError extends Error {
  override name = 'GoYamlError';
}

const noTimestamps = (tags: Tags): Tags => tags.filter((t) => t !== 'timestamp' && (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:timestamp'));
const YAML11 = { version: '1.1' as const, schema: 'yaml-1.1', customTags: noTimestamps };
const YAML12 = { version: '1.2' as const, schema: 'core', customTags: noTimestamps };

const defaultWarn = (message: string) => process.emitWarning(message, { code: 'PODSEC_GO_YAML' });

function parse(text: string, yaml11: boolean): Document.Parsed[] {
  const docs = parseAllDocuments(text, yaml11 ? YAML11 : YAML12);
  return Array.isArray(docs) ? docs : [];
}

const firstError = (docs: Document.Parsed[]) => {
  for (const [index, d] of docs.entries()) if (d.errors[0]) return { index, error: d.errors[0] };
  return undefined;
};

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

function differences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) {
      out.push(path);
      return;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out);
    return;
  }
  if (!Object.is(a, b)) out.push(path);
}

function lookup(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of path.match(/[^.[\]]+/g) ?? []) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur;
}

export function parseGoYaml(text: string, file: string, options: GoYamlOptions = {}): GoYamlDocument[] {
  const yaml11 = options.yaml11 ?? true;
  const warn = options.warn ?? defaultWarn;
  let source = text;
  let docs = parse(source, yaml11);
  const failed = firstError(docs);
  if (failed) {
    const fixed = reindentQuotedContinuations(text);
    const retry = fixed.moved.length > 0 ? parse(fixed.text, yaml11) : undefined;
    if (!retry || firstError(retry)) {
      const line = failed.error.linePos?.[0];
      throw new GoYamlError(`${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML in document ${failed.index}: ${failed.error.message}`);
    }
    for (const n of fixed.moved) {
      warn(
        `${file}:${n}: this continuation line of a multi-line quoted scalar is indented no deeper than its key. ` +
          "Go's YAML parser (gator, kubectl-kyverno) accepts it and so does podsec; YAML 1.2 parsers reject it. Fix: indent the line further.",
      );
    }
    source = fixed.text;
    docs = retry;
  }
  const values = docs.map((d) => d.toJS() as unknown);
  if (yaml11) {
    const as12 = parse(source, false).map((d) => d.toJS() as unknown);
    values.forEach((v, index) => {
      const paths: string[] = [];
      differences(v, as12[index], '', paths);
      for (const p of paths) {
        warn(
          `${file}: document ${index}, ${p.replace(/^\./, '') || '(root)'}: read as ${JSON.stringify(lookup(v, p))} (YAML 1.1, as Go reads it); ` +
            `YAML 1.2 reads ${JSON.stringify(lookup(as12[index], p))}. Fix: quote the value, or write the 1.2 form, so that every tool agrees.`,
        );
      }
    });
  }
  return values.map((value, index) => ({ index, value }));
}
