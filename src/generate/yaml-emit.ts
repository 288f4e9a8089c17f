// A small, deterministic YAML writer for generated files. The `yaml` package writes some characters
// (U+2028, DEL, NEL, BOM) raw inside scalars, which Prometheus' YAML reader turns into line breaks or
// rejects; values here are data from the config, so every scalar is written in a form that reads back
// exactly: plain when unambiguous, a literal block for multi-line text, else double-quoted with escapes.
import { isUnprintable, promqlString } from '../escape.js';

/** YAML for plain data (maps, lists, strings, finite numbers, booleans, null), 2-space indents, lists indented. */
export function toYaml(value: unknown): string {
  return `${emit(value, 0).join('\n')}\n`;
}

function emit(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    const out: string[] = [];
    for (const item of value) {
      const lines = isCollection(item) && !isEmpty(item) ? emit(item, indent + 2) : inline(item, indent + 2);
      out.push(`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1));
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${pad}{}`];
    const out: string[] = [];
    for (const [k, v] of entries) {
      const key = `${pad}${scalar(k)}:`;
      if (isCollection(v) && !isEmpty(v)) out.push(key, ...emit(v, Array.isArray(v) ? indent + 2 : indent + 2));
      else {
        const lines = inline(v, indent + 2);
        out.push(`${key} ${lines[0].trimStart()}`, ...lines.slice(1));
      }
    }
    return out;
  }
  return inline(value, indent);
}

// A scalar (or empty collection): one line, or a literal block header plus its indented lines.
function inline(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isCollection(value)) return [`${pad}${Array.isArray(value) ? '[]' : '{}'}`];
  if (typeof value === 'string' && value.includes('\n') && literalOk(value)) {
    const chomp = value.endsWith('\n') ? '' : '-';
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    return [`${pad}|${chomp}`, ...body.split('\n').map((l) => (l === '' ? '' : `${pad}${l}`))];
  }
  return [`${pad}${scalar(value)}`];
}

function isCollection(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

function isEmpty(v: object): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  const s = String(value);
  return plainOk(s) ? s : promqlString(s); // (YAML reads a double-quoted PromQL string alike)
}

// Words and number-like text that a YAML 1.1 or 1.2 reader would not read back as this string.
const SPECIAL = /^(?:~|null|true|false|yes|no|on|off|y|n)$/i;
const NUMBERISH =
  /^[-+]?(?:[\d_]*\.?[\d_]+(?:e[-+]?\d+)?|[\d_]+\.|0x[\da-f_]+|0o[0-7_]+|0b[01_]+|\.inf|\.nan|[\d_]+(?::[0-5]?\d)+(?:\.[\d_]*)?)$|^\.(?:inf|nan)$|^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/i;

function plainOk(s: string): boolean {
  if (s === '' || s !== s.trim() || SPECIAL.test(s) || NUMBERISH.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) || s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  for (const ch of s) if (isUnprintable(ch.codePointAt(0)!) || ch === '\n') return false;
  return true;
}

function literalOk(s: string): boolean {
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  if (body.endsWith('\n') || body.startsWith(' ') || body.startsWith('\n')) return false;
  for (const ch of body) {
    const c = ch.codePointAt(0)!;
    if (ch !== '\n' && isUnprintable(c)) return false;
  }
  return !body.split('\n').some((l) => /\s$/.test(l));
}

