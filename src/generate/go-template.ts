// Just enough of Go's text/template, as Prometheus expands alert labels and annotations, to predict the
// text of a firing alert in the generated promtool tests: `{{ $labels.x }}`, `{{ $value }}`, the pipes
// humanize / humanizePercentage / urlquery, string literals, and if/else if/else/end over `eq`.
// Anything else is reported, so a user's template never yields a test that cannot pass.
import { promqlString } from '../escape.js';

export interface TemplateData {
  labels: Record<string, string>;
  value: number;
}

type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: string }
  | { type: 'if'; branches: Array<{ cond: string | null; body: Node[] }> };

interface Token {
  kind: 'text' | 'action';
  text: string;
}

/** Split into text and actions (with `{{-`/`-}}` trimming applied); throws on an unclosed action. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let j = open + 2;
    const trimLeft = src[j] === '-' && /\s/.test(src[j + 1] ?? '');
    if (trimLeft) {
      text = text.replace(/\s+$/, '');
      j++;
    }
    if (text) out.push({ kind: 'text', text });
    // Find the closing }} outside string literals.
    let k = j;
    let quote: string | null = null;
    for (; k < src.length; k++) {
      const ch = src[k];
      if (quote) {
        if (ch === '\\' && quote === '"') k++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === '`') quote = ch;
      else if (src.startsWith('}}', k)) break;
    }
    if (k >= src.length) throw new Error(`unclosed action at "${src.slice(open, open + 30)}"`);
    let body = src.slice(j, k);
    let end = k + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(end))!;
      end += m[0].length;
    }
    out.push({ kind: 'action', text: body.trim() });
    i = end;
  }
  return out;
}

function parse(tokens: Token[]): Node[] {
  let pos = 0;
  const block = (stopAt: string[]): { nodes: Node[]; stop: string | null } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++];
      if (t.kind === 'text') {
        nodes.push({ type: 'text', text: t.text });
        continue;
      }
      const word = t.text.split(/\s+/)[0];
      if (stopAt.includes(word)) return { nodes, stop: t.text };
      if (word === 'if') {
        const branches: Array<{ cond: string | null; body: Node[] }> = [];
        let cond: string | null = t.text.slice(2).trim();
        for (;;) {
          const { nodes: body, stop } = block(['else', 'end']);
          branches.push({ cond, body });
          if (stop === null) throw new Error('{{ if }} without {{ end }}');
          if (stop === 'end') break;
          const rest = stop.slice(4).trim();
          if (rest === '') cond = null;
          else if (rest.startsWith('if ')) cond = rest.slice(3).trim();
          else throw new Error(`unsupported {{ ${stop} }}`);
          if (cond === null) {
            const last = block(['end']);
            if (last.stop === null) throw new Error('{{ else }} without {{ end }}');
            branches.push({ cond: null, body: last.nodes });
            break;
          }
        }
        nodes.push({ type: 'if', branches });
        continue;
      }
      if (['else', 'end', 'range', 'with', 'define', 'template', 'block'].includes(word)) throw new Error(`unsupported {{ ${t.text} }}`);
      nodes.push({ type: 'action', pipe: t.text });
    }
    return { nodes, stop: null };
  };
  const { nodes, stop } = block([]);
  if (stop !== null) throw new Error(`unexpected {{ ${stop} }}`);
  return nodes;
}

/** Expand `src` as Prometheus would; throws an Error naming any construct this subset does not know. */
export function expandGoTemplate(src: string, data: TemplateData): string {
  const run = (nodes: Node[]): string =>
    nodes
      .map((n) => {
        if (n.type === 'text') return n.text;
        if (n.type === 'action') return String(pipeline(n.pipe, data));
        const hit = n.branches.find((b) => b.cond === null || truthy(condition(b.cond, data)));
        return hit ? run(hit.body) : '';
      })
      .join('');
  return run(parse(tokenize(src)));
}

/** Check that `src` parses (actions closed, if/end balanced); throws an Error otherwise. */
export function checkGoTemplate(src: string): void {
  parse(tokenize(src));
}

function truthy(v: unknown): boolean {
  return v !== '' && v !== 0 && v !== false && v !== null && v !== undefined;
}

function condition(cond: string, data: TemplateData): unknown {
  const args = splitArgs(cond);
  if (args[0] === 'eq' && args.length === 3) return operand(args[1], data) === operand(args[2], data);
  if (args[0] === 'ne' && args.length === 3) return operand(args[1], data) !== operand(args[2], data);
  if (args.length === 1) return operand(args[0], data);
  throw new Error(`unsupported condition {{ if ${cond} }}`);
}

function pipeline(pipe: string, data: TemplateData): unknown {
  const stages = splitPipes(pipe);
  let v = operand(stages[0], data);
  for (const fn of stages.slice(1)) {
    if (fn === 'humanize') v = humanize(Number(v));
    else if (fn === 'humanizePercentage') v = `${formatG(Number(v) * 100, 4)}%`;
    else if (fn === 'urlquery') v = goQueryEscape(typeof v === 'number' ? formatFloat(v) : String(v));
    else if (fn === 'toUpper') v = String(v).toUpperCase();
    else if (fn === 'toLower') v = String(v).toLowerCase();
    else throw new Error(`unsupported function "${fn}" in {{ ${pipe} }}`);
  }
  return typeof v === 'number' ? formatFloat(v) : v;
}

function operand(text: string, data: TemplateData): string | number {
  const t = text.trim();
  const label = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(t);
  if (label) return data.labels[label[1]] ?? '';
  if (t === '$value' || t === '.Value') return data.value;
  if (t.startsWith('"') || t.startsWith('`')) return unquote(t);
  throw new Error(`unsupported operand "${t}"`);
}

function unquote(t: string): string {
  if (t.startsWith('`')) return t.slice(1, -1);
  return JSON.parse(t.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => JSON.stringify(String.fromCodePoint(parseInt(h, 16))).slice(1, -1)).replace(/\\([abv'])/g, (_, c: string) => ({ a: '\\u0007', b: '\\b', v: '\\u000b', "'": "'" })[c]!)) as string;
}

function splitPipes(pipe: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < pipe.length; i++) {
    const ch = pipe[i];
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote === '"') cur += pipe[++i];
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === '`') {
      quote = ch;
      cur += ch;
    } else if (ch === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\S+)/gy;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

/** Prometheus' humanize: SI prefixes and Go's %.4g. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${formatG(v, 4)}${prefix}`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG(v, 4)}${prefix}`;
}

/** Go's fmt %.<prec>g (strconv 'g' with a precision: round half to even on the exact binary value). */
export function formatG(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  if (v === 0) return neg ? '-0' : '0';
  // Exact decimal digits of the double (100 fraction digits covers every value this is used for).
  const [mant, expText] = Math.abs(v).toExponential(100).split('e');
  let digits = mant.replace('.', '');
  let dp = Number(expText) + 1; // position of the decimal point
  // Round to `prec` digits, half to even.
  const head = digits.slice(0, prec).split('').map(Number);
  const rest = digits.slice(prec);
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || head[head.length - 1] % 2 === 1));
  if (up) {
    let i = head.length - 1;
    while (i >= 0 && head[i] === 9) head[i--] = 0;
    if (i < 0) {
      head.unshift(1);
      head.pop();
      dp++;
    } else head[i]++;
  }
  digits = head.join('').replace(/0+$/, '') || '0';
  const nd = digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    out = `${digits[0]}${nd > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (dp <= 0) out = `0.${'0'.repeat(-dp)}${digits}`;
  else if (dp >= nd) out = `${digits}${'0'.repeat(dp - nd)}`;
  else out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  return neg ? `-${out}` : out;
}

/** Go's %v of a float64 (strconv 'g', shortest: exponent form below 1e-4 and from 1e6, as fmt prints 1e+06). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = Math.abs(v).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  let out: string;
  if (exp < -4 || exp >= 6) out = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  else if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (exp + 1 >= digits.length) out = `${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return v < 0 ? `-${out}` : out;
}

/** Go's url.QueryEscape (what text/template's urlquery does). */
export function goQueryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A Go string literal (for `eq $labels.provider "<id>"` in a generated annotation). */
export function goStringLiteral(s: string): string {
  return promqlString(s);
}
