/**
 * Escaping for XML and HTML. XML 1.0 cannot carry most C0 control characters even escaped, so
 * they are replaced; a report must never be made invalid by what a policy message contains.
 */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Attribute values also keep their line breaks, which parsers would otherwise normalise to spaces. */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
