import { Optional } from '@marcbachmann/cel-js';
import { parseURL } from './urls.js';
import type { CelExtension } from './registry.js';

// Kubernetes' named-format library (k8s.io/apiserver/pkg/cel/library/format.go): `format.<name>()` and
// `format.named(name)` give a format whose `validate(s)` is optional.none() when `s` is valid, else the
// list of error strings apimachinery's validators return (k8s.io/apimachinery/pkg/util/validation).
const LIB = 'Kubernetes format library';

export class NamedFormat {
  constructor(
    readonly name: string,
    readonly validate: (s: string) => string[],
  ) {}
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const full = (re: string): RegExp => new RegExp(`^(?:${re})$`);

/** apimachinery RegexError: the message, the examples, and the regex. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${fmt}')`;
}
const maxLenError = (n: number): string => `must be no more than ${n} characters`;

function pattern(maxLen: number, fmt: string, msg: string, ...examples: string[]): (s: string) => string[] {
  const re = full(fmt);
  return (s) => [...(s.length > maxLen ? [maxLenError(maxLen)] : []), ...(re.test(s) ? [] : [regexError(msg, fmt, ...examples)])];
}

const dns1123Label = pattern(
  63,
  DNS1123_LABEL,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  'my-name',
  '123-abc',
);
const dns1123Subdomain = pattern(
  253,
  DNS1123_SUBDOMAIN,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  'example.com',
);
const dns1035Label = pattern(
  63,
  DNS1035_LABEL,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  'my-name',
  'abc-123',
);
const QUALIFIED_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  const errs: string[] = [];
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_MSG, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.length === 2 ? (parts[1] as string) : (parts[0] as string);
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!full(QUALIFIED_NAME).test(name)) errs.push(`name part ${regexError(QUALIFIED_MSG, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

const labelValue = pattern(
  63,
  LABEL_VALUE,
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  'MyValue',
  'my_value',
  '12345',
);

/** apimachinery's name validation with prefix=true: a trailing `-` is allowed (generateName prefixes). */
const asPrefix =
  (check: (s: string) => string[]) =>
  (s: string): string[] =>
    check(s.length > 1 && s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

const UUID = /^(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  return !!m && validDate(m[1] as string, m[2] as string, m[3] as string);
}

function isDateTime(s: string): boolean {
  const m = DATETIME.exec(s);
  return !!m && validDate(m[1] as string, m[2] as string, m[3] as string) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
}

function uri(s: string): string[] {
  const r = parseURL(s);
  // The library's message carries its own "URL parse error during conversion" prefix; keep Go's url.Error text.
  return typeof r === 'string' ? [r.replace(/^URL parse error during conversion from string: /, '')] : [];
}

/** The named formats, keyed by the names `format.named()` accepts. */
export const NAMED_FORMATS: Readonly<Record<string, NamedFormat>> = {
  dns1123Label: new NamedFormat('DNS1123Label', dns1123Label),
  dns1123Subdomain: new NamedFormat('DNS1123Subdomain', dns1123Subdomain),
  dns1035Label: new NamedFormat('DNS1035Label', dns1035Label),
  qualifiedName: new NamedFormat('QualifiedName', qualifiedName),
  dns1123LabelPrefix: new NamedFormat('DNS1123LabelPrefix', asPrefix(dns1123Label)),
  dns1123SubdomainPrefix: new NamedFormat('DNS1123SubdomainPrefix', asPrefix(dns1123Subdomain)),
  dns1035LabelPrefix: new NamedFormat('DNS1035LabelPrefix', asPrefix(dns1035Label)),
  labelValue: new NamedFormat('LabelValue', labelValue),
  uri: new NamedFormat('URI', uri),
  uuid: new NamedFormat('uuid', (s) => (UUID.test(s) ? [] : ['does not match the UUID format'])),
  byte: new NamedFormat('byte', (s) => (BASE64.test(s) ? [] : ['invalid base64'])),
  date: new NamedFormat('date', (s) => (isDate(s) ? [] : ['invalid date'])),
  datetime: new NamedFormat('datetime', (s) => (isDateTime(s) ? [] : ['invalid datetime'])),
};

const T = 'kubernetes.NamedFormat';

function validate(f: NamedFormat, s: string): Optional {
  const errs = f.validate(s);
  return errs.length === 0 ? Optional.none() : Optional.of(errs);
}

export const formatExtension: CelExtension = {
  name: 'format',
  namespaces: [{ name: 'format', typeName: 'FormatNamespace' }],
  types: [{ name: T, ctor: NamedFormat }],
  functions: [
    ...Object.entries(NAMED_FORMATS).map(([name, f]) => ({ signature: `FormatNamespace.${name}(): ${T}`, handler: () => f, library: LIB })),
    {
      signature: `FormatNamespace.named(string): optional<${T}>`,
      handler: (_: unknown, name: string) => (Object.hasOwn(NAMED_FORMATS, name) ? Optional.of(NAMED_FORMATS[name]) : Optional.none()),
      library: LIB,
    },
    { signature: `${T}.validate(string): optional<list<string>>`, handler: validate, library: LIB },
  ],
  operators: [{ signature: `${T} == ${T}`, handler: (a: NamedFormat, b: NamedFormat) => a === b }],
};
