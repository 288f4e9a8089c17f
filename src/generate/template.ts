// The project's own placeholders: `<% name %>` or `<% name | filter | filter %>`.
// They never collide with Prometheus' `{{ ... }}`, Grafana's `$var`, `${var}`, `[[var]]`, YAML or JSON,
// so those pass through a template untouched. Values are data: each is escaped by the filters named
// for the context it lands in.
import { readFileSync } from 'node:fs';
import { UserError } from '../model.js';
import { doubleQuotedBody, regexLiteral } from '../escape.js';

export type TemplateValue = string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

// Each filter takes the value so far (the raw value, or the text an earlier filter made) and returns text.
const FILTERS: Record<string, (v: unknown) => string> = {
  // A JSON value (strings quoted and escaped); also a valid YAML flow scalar. Anywhere in a chain.
  json: (v) => JSON.stringify(v),
  // Inside a PromQL double-quoted string: backslash, quote and every non-printable character escaped.
  promql: (v) => doubleQuotedBody(text(v)),
  // A regular expression matching the value literally (for `=~` / `!~`); a list matches any of its items.
  regex: (v) => (Array.isArray(v) ? v.map((x) => regexLiteral(text(x))).join('|') : regexLiteral(text(v))),
  // A YAML double-quoted scalar for a string; numbers, booleans, null, lists and maps as YAML flow
  // collections (JSON syntax, with every string escaped as a double-quoted scalar).
  yaml: (v) => yamlFlow(v),
};

function yamlFlow(v: unknown): string {
  if (typeof v === 'string') return `"${doubleQuotedBody(v)}"`;
  if (Array.isArray(v)) return `[${v.map(yamlFlow).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${yamlFlow(k)}: ${yamlFlow(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const PLACEHOLDER = /<%\s*([A-Za-z_][\w.]*)\s*((?:\|\s*[a-z]+\s*)*)%>/g;

/** Fill `text` (read from `name`, for error messages) with `values`. Every placeholder must have a value. */
export function fill(text: string, values: Record<string, TemplateValue>, name: string): string {
  const lineAt = (offset: number) => `${name}:${text.slice(0, offset).split('\n').length}`;
  // A `<%` that is not a well-formed placeholder would otherwise pass through silently.
  const stray = /<%/g;
  for (let m = stray.exec(text); m; m = stray.exec(text)) {
    PLACEHOLDER.lastIndex = m.index;
    const p = PLACEHOLDER.exec(text);
    if (!p || p.index !== m.index) throw new UserError(`${lineAt(m.index)}: malformed placeholder ${text.slice(m.index, m.index + 30).split('\n')[0]}`);
  }
  return text.replace(PLACEHOLDER, (match, key: string, filterText: string, offset: number) => {
    const raw = lookup(values, key);
    if (raw === undefined) throw new UserError(`${lineAt(offset)}: unknown placeholder <% ${key} %>`);
    const filters = filterText.split('|').map((f) => f.trim()).filter(Boolean);
    let out: unknown = raw;
    for (const f of filters) {
      const apply = FILTERS[f];
      if (!apply) throw new UserError(`${lineAt(offset)}: unknown filter "${f}" in ${match}`);
      out = apply(out);
    }
    return typeof out === 'string' ? out : JSON.stringify(out);
  });
}

/** Read and fill a template file. */
export function fillFile(path: string, values: Record<string, TemplateValue>): string {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read template (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return fill(content, values, path);
}

// `a.b` is the key "a.b" when present, else the path a -> b.
function lookup(values: Record<string, TemplateValue>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(values, key)) return values[key];
  let v: unknown = values;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

