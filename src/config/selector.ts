// `metrics.selector`: PromQL label matchers (`env="prod", cluster=~"eu-.*"`) added to every query.
// They are parsed and written back in one canonical form, so what reaches a rule or a dashboard is
// always well-formed PromQL, never text pasted from the config.

import { RE2JS } from 're2js';
import { promqlString } from '../escape.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Labels the generated queries set themselves: a selector on them would contradict the rules.
const RESERVED = new Set(['__name__', 'provider', 'error_type']);

/** Parse `a="b", c=~"d"` (braces and a trailing comma allowed). Throws an Error with a short reason. */
export function parseSelector(text: string): Matcher[] {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const out: Matcher[] = [];
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  for (;;) {
    ws();
    if (i >= s.length) break;
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i))?.[0];
    if (!name) throw new Error(`expected a label name at ${JSON.stringify(s.slice(i, i + 20))}`);
    i += name.length;
    ws();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => s.startsWith(o, i));
    if (!op) throw new Error(`expected =, !=, =~ or !~ after ${name}`);
    i += op.length;
    ws();
    const [value, end] = readString(s, i);
    i = end;
    if (RESERVED.has(name)) {
      throw new Error(`label ${name} is set by the generated queries themselves; select on other labels (job, env, ...)`);
    }
    const bad = op === '=~' || op === '!~' ? regexProblem(value) : null;
    if (bad) throw new Error(`${name}${op}${promqlString(value)}: not a valid RE2 regular expression (${bad})`);
    out.push({ name, op, value });
    ws();
    if (i >= s.length) break;
    if (s[i] !== ',') throw new Error(`expected "," between matchers at ${JSON.stringify(s.slice(i, i + 20))}`);
    i++;
  }
  return out;
}

/** The canonical text of matchers: `a="b", c=~"d"` (no braces). */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}${promqlString(m.value)}`).join(', ');
}

/** Whether a string holds a lone UTF-16 surrogate (it cannot be written as UTF-8). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/**
 * A Prometheus label regex as Prometheus compiles it: RE2 syntax (so `(?i)`, `[[:alpha:]]` and `\pL` are
 * valid and lookarounds or backreferences are not), fully anchored. 2.x wraps the value as `^(?:v)$`,
 * 3.x as `^(?s:v)$` (`.` also matches a newline); `dotAll` picks the latter. Throws RE2's own reason.
 */
export function compileLabelRegex(re2: string, dotAll = false): RE2JS {
  return RE2JS.compile(`^(?${dotAll ? 's' : ''}:${re2})$`);
}

/** Whether a label regex matches `value` on Prometheus 2.x and 3.x alike; null where they differ. */
export function labelRegexMatches(re2: string, value: string): boolean | null {
  const two = compileLabelRegex(re2).matches(value);
  return two === compileLabelRegex(re2, true).matches(value) ? two : null;
}

/** Why `re2` is not a valid Prometheus label regex, or null. */
export function regexProblem(re2: string): string | null {
  try {
    // Alone first, so the reason quotes the user's text; `a)|(b` would compile only inside the wrapper.
    RE2JS.compile(re2);
    compileLabelRegex(re2);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, '');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

// A PromQL string literal starting at s[i]: "..." or '...' with Go escapes, or `...` raw.
function readString(s: string, i: number): [string, number] {
  const q = s[i];
  if (q !== '"' && q !== "'" && q !== '`') throw new Error(`expected a quoted string at ${JSON.stringify(s.slice(i, i + 20))}`);
  let j = i + 1;
  let out = '';
  while (j < s.length && s[j] !== q) {
    const ch = s[j];
    if (q === '`') {
      out += ch;
      j++;
      continue;
    }
    if (ch === '\n') throw new Error('a quoted string may not span lines');
    if (ch !== '\\') {
      out += ch;
      j++;
      continue;
    }
    const e = s[j + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES && (e !== "'" || q === "'") && (e !== '"' || q === '"')) {
      out += SIMPLE_ESCAPES[e];
      j += 2;
      continue;
    }
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const digits = hex ? s.slice(j + 2, j + 2 + hex) : s.slice(j + 1, j + 4);
    const ok = hex ? new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits) : /^[0-7]{3}$/.test(digits);
    const code = ok ? parseInt(digits, hex ? 16 : 8) : NaN;
    if (!ok || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || (!hex && code > 255)) {
      throw new Error(`invalid escape \\${e} in a quoted string`);
    }
    out += String.fromCodePoint(code);
    j += hex ? 2 + hex : 4;
  }
  if (j >= s.length) throw new Error('unterminated quoted string');
  return [out, j + 1];
}
