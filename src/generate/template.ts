// The project's own placeholders: `<% name %>` or `<% name | filter | filter %>`.
// They never collide with Prometheus' `{{ ... }}`, Grafana's `$var`, `${var}`, `[[var]]`, YAML or JSON,
// so those pass through a template untouched. Values are data: each is escaped by the filters named
// for the context it lands in.
import { readFileSync } from 'node:fs';
import { UserError } from '../model.js';

export type TemplateValue = string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

const FILTERS: Record<string, (v: string) => string> = {
  // A JSON value (strings quoted and escaped); also a valid YAML flow scalar.
  json: (v) => v,
  // Inside a PromQL double-quoted string: backslash, quote and control characters escaped.
  promql: (v) => JSON.stringify(v).slice(1, -1),
  // A regular expression matching the value literally (for `=~` / `!~`).
  regex: (v) => v.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'),
  // A YAML double-quoted scalar.
  yaml: (v) => JSON.stringify(v),
};

const PLACEHOLDER = /<%\s*([A-Za-z_][\w.]*)\s*((?:\|\s*[a-z]+\s*)*)%>/g;

/** Fill `text` (read from `name`, for error messages) with `values`. Every placeholder must have a value. */
export function fill(text: string, values: Record<string, TemplateValue>, name: string): string {
  return text.replace(PLACEHOLDER, (match, key: string, filterText: string, offset: number) => {
    const where = () => `${name}:${text.slice(0, offset).split('\n').length}`;
    if (!(key in values)) throw new UserError(`${where()}: unknown placeholder <% ${key} %>`);
    const raw = values[key];
    const filters = filterText.split('|').map((f) => f.trim()).filter(Boolean);
    let out = filters[0] === 'json' || typeof raw !== 'string' ? JSON.stringify(raw) : raw;
    if (filters[0] === 'json') filters.shift();
    for (const f of filters) {
      const apply = FILTERS[f];
      if (!apply) throw new UserError(`${where()}: unknown filter "${f}" in ${match}`);
      out = apply(out);
    }
    return out;
  });
}

/** Read and fill a template file. */
export function fillFile(path: string, values: Record<string, TemplateValue>): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read template (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return fill(text, values, path);
}
