// Every escaper, named for where the value lands. A value written into PromQL, YAML, a Go template,
// markdown or a Grafana query goes through one of these, and test/escape.test.ts holds each to the
// reader of that place (promtool's parser, the YAML parser, GitHub's markdown rules).

/** Characters that must never appear raw in YAML or a PromQL string: controls, line/paragraph separators, BOM, surrogates. */
export function isUnprintable(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff;
}

/**
 * The body of a double-quoted string that PromQL, Go and YAML all read back as `v`: `\\`, `\"`, the
 * short escapes \n \t \r, and \uXXXX for every other unprintable character.
 */
export function doubleQuotedBody(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (isUnprintable(c)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** A PromQL string literal (also a YAML double-quoted scalar and a Go string: they read it alike). */
export const promqlString = (v: string): string => `"${doubleQuotedBody(v)}"`;

/** A PromQL string inside a Grafana target: `$` as \x24, so that Grafana never reads a value as a variable. */
export const grafanaPromqlString = (v: string): string => promqlString(v).replace(/\$/g, '\\x24');

/** RE2 (Go regexp.QuoteMeta) escaping: the regex that matches `v` literally. */
export const regexLiteral = (v: string): string => v.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** Text that Prometheus' template expansion (labels and annotations are Go templates) gives back unchanged. */
export const goTemplateLiteral = (v: string): string => v.replace(/\{\{/g, '{{ "{{" }}');

/** A markdown table cell: pipes and backslashes escaped, no HTML (data is never markup), line breaks as <br>. */
export const markdownCell = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, '<br>');
