// Label values that satisfy the config's selector, for the series of the generated promtool tests:
// a test series must be selected by the rule exactly as the user's real series are.
import { labelRegexMatches, type Matcher } from '../config/selector.js';
import { UserError } from '../model.js';

/** One value per label name satisfying every matcher on it ('' = leave the label off). */
export function labelSamples(matchers: readonly Matcher[]): Record<string, string> {
  const byName = new Map<string, Matcher[]>();
  for (const m of matchers) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  const out: Record<string, string> = {};
  for (const [name, ms] of byName) {
    const candidates = [
      ...ms.filter((m) => m.op === '=').map((m) => m.value),
      ...ms.filter((m) => m.op === '=~').flatMap((m) => regexSamples(m.value)),
      '',
      'vtcode-errors-test',
      'x',
      '0',
    ];
    const ok = candidates.find((c) => ms.every((m) => matches(m, c)));
    if (ok === undefined) {
      throw new UserError(`--tests: cannot find a value of label ${name} that matches metrics.selector (${ms.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')})`);
    }
    if (ok !== '') out[name] = ok;
  }
  return out;
}

function matches(m: Matcher, v: string): boolean {
  if (m.op === '=') return v === m.value;
  if (m.op === '!=') return v !== m.value;
  // RE2, as Prometheus matches; a value where 2.x and 3.x differ (a newline under `.`) is never picked.
  const r = labelRegexMatches(m.value, v);
  return r !== null && (m.op === '=~' ? r : !r);
}

// A few strings a (simple) regex matches: first branch of each alternation, one pass of each `+`,
// none of `*`/`?`, the first character of a class. Each is checked against the real regex afterwards.
function regexSamples(re: string): string[] {
  const out = new Set<string>();
  for (const branch of splitTop(re)) {
    try {
      out.add(sample(branch));
    } catch {
      // not a form we can sample; other candidates may still match
    }
  }
  return [...out];
}

function splitTop(re: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < re.length; i++) {
    const ch = re[i];
    if (ch === '\\') {
      cur += ch + (re[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') {
      const end = classEnd(re, i);
      cur += re.slice(i, end + 1);
      i = end;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '|' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function classEnd(re: string, i: number): number {
  let j = i + 1;
  if (re[j] === '^') j++;
  if (re[j] === ']') j++;
  while (j < re.length && re[j] !== ']') {
    const posix = /^\[:\^?[a-z]+:\]/.exec(re.slice(j));
    j += posix ? posix[0].length : re[j] === '\\' ? 2 : 1;
  }
  return j;
}

// A member of each RE2 POSIX class ([[:alpha:]]) and Unicode class (\pL, \p{Lu}).
const CLASS_SAMPLES: Record<string, string> = { alpha: 'a', alnum: 'a', word: 'a', lower: 'a', upper: 'A', print: 'a', graph: 'a', ascii: 'a', digit: '0', xdigit: '0', space: ' ', blank: ' ', punct: '!', cntrl: '\x01', L: 'a', Ll: 'a', Lu: 'A', N: '0', Nd: '0' };

function sample(re: string): string {
  let out = '';
  let i = 0;
  while (i < re.length) {
    let atom: string;
    const ch = re[i];
    if (ch === '\\') {
      const e = re[i + 1];
      const unicode = /^\\p(?:\{([A-Za-z]+)\}|([A-Za-z]))/.exec(re.slice(i));
      if (unicode) {
        atom = CLASS_SAMPLES[unicode[1] ?? unicode[2]] ?? '';
        i += unicode[0].length;
      } else {
        atom = e === 'd' ? '0' : e === 'w' ? 'a' : e === 's' ? ' ' : /[A-Za-z]/.test(e) ? '' : e;
        i += 2;
      }
    } else if (ch === '[') {
      const end = classEnd(re, i);
      const body = re.slice(i + 1, end);
      const posix = /^\[:([a-z]+):\]/.exec(body);
      if (body.startsWith('^')) atom = 'x';
      else if (posix) atom = CLASS_SAMPLES[posix[1]] ?? '';
      else atom = body[0] === '\\' ? body[1] : body[0];
      i = end + 1;
    } else if (ch === '(') {
      let depth = 0;
      let j = i;
      for (; j < re.length; j++) {
        if (re[j] === '\\') j++;
        else if (re[j] === '(') depth++;
        else if (re[j] === ')' && --depth === 0) break;
      }
      // A flag group such as (?i) matches nothing itself; (?P<n>...), (?:...) and (?i:...) their body.
      const inner = re.slice(i + 1, j).replace(/^\?(?:P?<[^>]*>|:|[a-zA-Z-]+:)/, '');
      atom = /^\?[a-zA-Z-]+$/.test(inner) ? '' : sample(splitTop(inner)[0]);
      i = j + 1;
    } else if (ch === '.') {
      atom = 'x';
      i++;
    } else if (ch === '^' || ch === '$') {
      atom = '';
      i++;
    } else {
      atom = ch;
      i++;
    }
    const q = /^(?:[*?]|\+|\{(\d+)(?:,\d*)?\})\??/.exec(re.slice(i));
    if (q) {
      i += q[0].length;
      if (q[0][0] === '*' || q[0][0] === '?') atom = '';
      else if (q[1] !== undefined) atom = atom.repeat(Number(q[1]));
    }
    out += atom;
  }
  return out;
}
