// VT Code's text debug log (`debug-<session-id>.log`): tracing-subscriber's default ("full") text format,
// ANSI off, span events on (src/main_helpers/tracing.rs in vinhnx/VTCode):
//
//   2026-11-20T14:03:11.123456Z  WARN span{a=1}:span2: target::path: message key=value key="quoted" ...
//
// A message or value holding line breaks (a pretty-printed error body, a backtrace) goes on over the
// lines after it, which do not start with a timestamp: the framer joins them to it (framer.ts).
// One such line becomes one JSON-shaped record that shapes.ts `readValue` already understands, so the
// classification and everything after it are shared with the JSON formats. Which lines are read as
// more than that is data (formats/debug-lines.json), each entry naming one of three readers:
// - http_error: `<Provider> HTTP error provider=".." status=429 Too Many Requests body=...`  -> raw
//   provider failure (`error_message`: the provider's own message, from the body)
// - retry: `LLM request attempt failed error=.. category=.. retryable=.. attempt=N max_retries=N` -> `retry` row
// - retry_outcome: `turn metric metric="llm_retry_outcome" ...`                   -> trajectory record
// - any other ERROR line -> `{timestamp, level, target, message, ...fields}`      -> `error` row
// - any other line (span new/enter/exit/close, INFO, WARN...) -> a record with no field readValue
//   reads as an error, so it is ignored whatever its text or fields say.
// null: the line is not in the format (or is one of the three lines above, cut short): the caller
// counts it as skipped.
import { bodyMessage } from '../classify/index.js';
import { formatFiles, onFormats, type DebugLine, type MessageMatch } from '../formats/index.js';
import { stripAnsi } from './values.js';

export type TextRecord = Record<string, unknown>;
type Read<R extends DebugLine['read']> = Extract<DebugLine, { read: R }>;

// A label for whoever reads these records: the reader of a record is told where it came from by its
// caller (chunk.ts), never by this field, which any JSON record could hold.
const ORIGIN = 'debug';
let LINES!: DebugLine[];
onFormats(() => {
  LINES = formatFiles('debug-lines').flatMap((f) => f.lines ?? []);
});
const PREFIX = /^\d{4}-\d{2}-\d{2}T/;
// RFC 3339: tracing-subscriber writes `YYYY-MM-DDTHH:MM:SS.ffffffZ`; other timers write an offset.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const MAX_TIMESTAMP = 40;
const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);
// Keys of the record itself: a field with one of these names never overrides them.
const RESERVED = new Set(['timestamp', 'level', 'target', 'message', 'spans', '__text', '__origin', '__proto__']);

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;
const COLON = 58;
const OPEN = 123; // {
const CLOSE = 125; // }

/** The line starts as a line of the format does (its timestamp), so it is no continuation line. */
export function startsTextLine(line: string): boolean {
  return PREFIX.test(line) || (line.charCodeAt(0) === 0x1b && PREFIX.test(stripAnsi(line)));
}

/** The line starts with the head of a line of the format (timestamp, level, spans and target), whatever
 * follows it: a line whose message or fields go on over the lines after it. */
export function isTextLine(line: string): boolean {
  return readStart(line) !== null;
}

interface Start {
  line: string; // without ANSI escapes
  end: number; // without trailing spaces and carriage return
  timestamp: string;
  level: string;
  head: Head;
}

function readStart(line: string): Start | null {
  if (!PREFIX.test(line)) {
    if (line.charCodeAt(0) !== 0x1b) return null;
    line = stripAnsi(line); // a log written with ANSI colours on
    if (!PREFIX.test(line)) return null;
  }
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === SPACE)) end--;

  // Timestamp, then the level padded to 5 (` INFO`, ` WARN`, `ERROR`...), then a space.
  const sp = line.indexOf(' ', 10);
  if (sp < 0 || sp > MAX_TIMESTAMP || sp >= end) return null;
  const timestamp = line.slice(0, sp);
  if (!TIMESTAMP.test(timestamp)) return null;
  let i = sp;
  while (i < end && line.charCodeAt(i) === SPACE) i++;
  let j = i;
  while (j < end && j - i < 5 && isUpper(line.charCodeAt(j))) j++;
  const level = line.slice(i, j);
  if (!LEVELS.has(level) || j >= end || line.charCodeAt(j) !== SPACE) return null;

  const head = parseHead(line, j + 1, end);
  return head ? { line, end, timestamp, level, head } : null;
}

/** Parse one line of a VT Code debug log (with its continuation lines, joined with "\n"); null when
 * it is not a line of that format. */
export function parseTextLine(record: string): TextRecord | null {
  const start = readStart(record);
  if (!start) return null;
  const { line, end, timestamp, level, head } = start;
  const text = line.slice(head.textStart, end);
  const base: TextRecord = { timestamp, level, target: head.target };
  if (head.spans !== null) base.spans = head.spans;

  const fieldsAt = keyLength(text, 0) > 0 ? 0 : nextKey(text, 0);
  const message = fieldsAt < 0 ? text : text.slice(0, Math.max(0, fieldsAt - 1));

  // The first kind of line whose message matches and whose `when` fields hold reads the line (the retry
  // reader parses its own fields, from the end).
  let parsed: Record<string, string> | null = null;
  const fields = () => (parsed ??= fieldsAt < 0 ? {} : parseFields(text, fieldsAt));
  for (const kind of LINES) {
    if (!matches(kind.message, message)) continue;
    if (kind.when && !Object.entries(kind.when).every(([k, v]) => fields()[k] === v)) continue;
    if (kind.read === 'retry') return retryRecord(base, text, fieldsAt, kind);
    if (kind.read === 'retry_outcome') return retryOutcomeRecord(timestamp, fields(), kind);
    const n = kind.fields;
    if (Object.hasOwn(fields(), n.status) || Object.hasOwn(fields(), n.body) || Object.hasOwn(fields(), n.provider)) {
      return httpErrorRecord(base, message, fields(), kind);
    }
  }
  return otherRecord(base, message, fields(), text);
}

const matches = (m: MessageMatch, message: string): boolean =>
  'equals' in m ? message === m.equals : message.endsWith(m.endsWith);

// `tracing::warn!(provider = provider_name, status = %status, body = %error_text, "{} HTTP error",
// provider_name)` (vtcode-llm/src/providers/error_handling.rs). A line without its status or body, or
// whose JSON body does not close, is cut short: null, so that it is read again once complete.
function httpErrorRecord(base: TextRecord, message: string, fields: Record<string, string>, kind: Read<'http_error'>): TextRecord | null {
  const status = fields[kind.fields.status];
  const body = fields[kind.fields.body];
  if (status === undefined || body === undefined) return null;
  const b = body.trim();
  const human = bodyMessage(body);
  if (human === null && (b.startsWith('{') || b.startsWith('[')) && !isJson(b)) return null;
  // The message before its matched end names the provider: `DeepSeek HTTP error`.
  const label = 'endsWith' in kind.message ? message.slice(0, message.length - kind.message.endsWith.length).trim() : '';
  const provider = fields[kind.fields.provider] ?? (label || undefined);
  const out: TextRecord = { ...base, message };
  if (provider !== undefined) out.provider = provider;
  out.status = status;
  out.body = body;
  // The provider's own words are the error's message (as for a raw provider failure, DESIGN.md §2
  // shape 3), not the line's "<Provider> HTTP error".
  if (human !== null) out.error_message = human;
  else if (b !== '') out.error_message = b;
  out.__origin = ORIGIN;
  return out;
}

// `tracing::warn!(target: "vtcode.llm.retry", error = %msg, category = %category.user_label(),
// retryable = is_retryable, attempt = attempt + 1, max_retries, "LLM request attempt failed")`
// (src/agent/runloop/unified/turn/turn_processing/llm_request/mod.rs). The error text is a Display
// value that may hold anything, ` key=` included: the fields after it are found from the end.
function retryRecord(base: TextRecord, text: string, at: number, kind: Read<'retry'>): TextRecord | null {
  const f = at < 0 ? null : retryFieldsFromEnd(text, at, kind.fields) ?? retryFieldsInOrder(text, at, kind.fields);
  if (!f) return null;
  const out: TextRecord = { ...base, event: 'retry', message: f.error };
  if (f.category !== undefined) out.error_category = f.category;
  if (f.retryable !== undefined) out.retryable = f.retryable;
  out.retry_count = f.attempt;
  if (f.maxRetries !== undefined) out.max_retries = f.maxRetries;
  out.__origin = ORIGIN;
  return out;
}

interface RetryFields {
  error: string;
  category?: string;
  retryable?: boolean;
  attempt: number;
  maxRetries?: number;
}

type RetryNames = Read<'retry'>['fields'];

function retryFieldsFromEnd(text: string, at: number, n: RetryNames): RetryFields | null {
  const kError = `${n.error}=`;
  const [kCategory, kRetryable, kAttempt, kMax] = [n.category, n.retryable, n.attempt, n.maxRetries].map((k) => ` ${k}=`);
  if (!text.startsWith(kError, at)) return null;
  const pMax = text.lastIndexOf(kMax);
  if (pMax < at) return null;
  const pAttempt = text.lastIndexOf(kAttempt, pMax - 1);
  if (pAttempt < at) return null;
  const pRetryable = text.lastIndexOf(kRetryable, pAttempt - 1);
  if (pRetryable < at) return null;
  const pCategory = text.lastIndexOf(kCategory, pRetryable - 1);
  if (pCategory < at + kError.length - 1) return null;
  const retryable = text.slice(pRetryable + kRetryable.length, pAttempt);
  const attempt = text.slice(pAttempt + kAttempt.length, pMax);
  const max = /^(\d+)(?: |$)/.exec(text.slice(pMax + kMax.length, pMax + kMax.length + 24));
  if ((retryable !== 'true' && retryable !== 'false') || !/^\d+$/.test(attempt) || !max) return null;
  return {
    error: valueOf(text.slice(at + kError.length, pCategory)),
    category: valueOf(text.slice(pCategory + kCategory.length, pRetryable)),
    retryable: retryable === 'true',
    attempt: Number(attempt),
    maxRetries: Number(max[1]),
  };
}

// Another field order (another VT Code version): the generic reading, the error and attempt required.
function retryFieldsInOrder(text: string, at: number, n: RetryNames): RetryFields | null {
  const f = parseFields(text, at);
  const [error, attempt, retryable, max] = [f[n.error], f[n.attempt], f[n.retryable], f[n.maxRetries]];
  if (error === undefined || attempt === undefined || !/^\d+$/.test(attempt)) return null;
  return {
    error,
    category: f[n.category],
    retryable: retryable === 'true' ? true : retryable === 'false' ? false : undefined,
    attempt: Number(attempt),
    maxRetries: max !== undefined && /^\d+$/.test(max) ? Number(max) : undefined,
  };
}

// `tracing::info!(target: "vtcode.turn.metrics", metric = "llm_retry_outcome", run_id, turn_id, turn,
// model, plan_mode, attempts_made, retries_used, max_retries, success, exhausted_retry_budget,
// stream_fallback_used, last_error_retryable, "turn metric")`
// (src/agent/runloop/unified/turn/turn_processing/llm_request/metrics.rs), written together with the
// trajectory's `llm_retry_metrics` record: the same shape, so it takes the trajectory path. Which fields
// are numbers, booleans and strings is in the format file.
function retryOutcomeRecord(timestamp: string, f: Record<string, string>, kind: Read<'retry_outcome'>): TextRecord | null {
  const out: TextRecord = { kind: 'llm_retry_metrics', ts: timestamp };
  for (const k of kind.strings) if (f[k] !== undefined) out[k] = f[k];
  for (const k of kind.numbers) {
    if (f[k] === undefined) continue;
    if (!/^\d+$/.test(f[k])) return null;
    out[k] = Number(f[k]);
  }
  for (const k of kind.booleans) {
    if (f[k] === undefined) continue;
    if (f[k] !== 'true' && f[k] !== 'false') return null;
    out[k] = f[k] === 'true';
  }
  // Without these the outcome cannot be told: the line was cut short.
  if (kind.required.some((k) => out[k] === undefined)) return null;
  out.__origin = ORIGIN;
  return out;
}

// Every other line. An ERROR line is about an error whatever it says (DESIGN.md §9), and is the same
// event as the session archive's `error_logs` entry (which holds only the message, not the fields):
// its fields are spread so that they take part in classification. Any other level is never a provider
// error: message and fields are kept under names readValue does not read, so that a WARN line with an
// `error=` field or an INFO line saying "falling back to" is ignored.
function otherRecord(base: TextRecord, message: string, fields: Record<string, string>, text: string): TextRecord {
  if (base.level === 'ERROR') {
    const out: TextRecord = {};
    for (const [k, v] of Object.entries(fields)) if (!RESERVED.has(k)) out[k] = v;
    Object.assign(out, base);
    if (message !== '') out.message = message;
    out.__text = text;
    out.__origin = ORIGIN;
    return out;
  }
  return { ...base, text: message, values: fields, __origin: ORIGIN };
}

// ---------------------------------------------------------------------------------------------
// The line's head: `[span{fields}:span:... ]target: `

interface Head {
  spans: string | null;
  target: string;
  textStart: number;
}

function parseHead(s: string, from: number, end: number): Head | null {
  const w1 = wordEnd(s, from, end);
  if (w1 < 0 || s.charCodeAt(w1 - 1) !== COLON) return null;
  const first = s.slice(from, w1 - 1);
  const hasBraces = first.includes('{');
  const isPath = !hasBraces && (first.includes('::') || first.includes('.'));
  const isSpanList = hasBraces || (!isPath && first.includes(':'));
  if (!isSpanList && !isPath && w1 < end) {
    // A single plain word: a span without fields when the next word is a module path, else the target.
    const w2 = plainWordEnd(s, w1 + 1, end);
    const second = s.slice(w1 + 1, w2);
    if (second.length > 1 && second.endsWith(':') && (second.includes('::') || second.includes('.'))) {
      return { spans: first, target: second.slice(0, -1), textStart: Math.min(w2 + 1, end) };
    }
  }
  if (isSpanList) {
    if (w1 >= end) return null;
    const w2 = plainWordEnd(s, w1 + 1, end);
    if (w2 - (w1 + 1) < 2 || s.charCodeAt(w2 - 1) !== COLON) return null;
    return { spans: first, target: s.slice(w1 + 1, w2 - 1), textStart: Math.min(w2 + 1, end) };
  }
  if (first === '') return null;
  return { spans: null, target: first, textStart: Math.min(w1 + 1, end) };
}

/** End of the word at `from` (exclusive): up to a space outside `{...}`; quotes inside braces honoured. */
function wordEnd(s: string, from: number, end: number): number {
  let depth = 0;
  for (let k = from; k < end; k++) {
    const c = s.charCodeAt(k);
    if (depth > 0 && c === QUOTE) {
      const q = closingQuote(s, k, end);
      if (q < 0) return -1;
      k = q;
    } else if (c === OPEN) depth++;
    else if (c === CLOSE) {
      if (depth === 0) return -1;
      depth--;
    } else if (c === SPACE && depth === 0) return k;
  }
  return depth === 0 ? end : -1;
}

function plainWordEnd(s: string, from: number, end: number): number {
  const k = s.indexOf(' ', from);
  return k < 0 || k > end ? end : k;
}

// ---------------------------------------------------------------------------------------------
// Fields: `key=value key="quoted \"value\"" ...`, tracing-subscriber's DefaultVisitor: `%x` and numbers
// unquoted (running until the next ` key=`), `&str` Debug-quoted; `body=` runs to the end of the line.

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46; // dotted names: time.busy, error.sources
}

/** Length of `key` when `key=` starts at `i`, else 0. */
function keyLength(s: string, i: number): number {
  if (i >= s.length || !isKeyStart(s.charCodeAt(i))) return 0;
  let k = i + 1;
  while (k < s.length && isKeyChar(s.charCodeAt(k))) k++;
  return k < s.length && s.charCodeAt(k) === EQUALS ? k - i : 0;
}

/** Where the next ` key=` after `from` starts (the key, after its space), or -1. Linear: each character
 * is looked at by at most one candidate, since a key stops at the next space. */
function nextKey(s: string, from: number): number {
  for (let sp = s.indexOf(' ', from); sp >= 0; sp = s.indexOf(' ', sp + 1)) {
    if (keyLength(s, sp + 1) > 0) return sp + 1;
  }
  return -1;
}

/** Index of the quote closing the one at `open`, or -1. */
function closingQuote(s: string, open: number, end = s.length): number {
  for (let k = open + 1; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === BACKSLASH) k++;
    else if (c === QUOTE) return k;
  }
  return -1;
}

function parseFields(s: string, at: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = at;
  while (i >= 0 && i < s.length) {
    const klen = keyLength(s, i);
    if (klen === 0) break;
    const key = s.slice(i, i + klen);
    const v = i + klen + 1;
    let value: string;
    let next: number;
    if (key === 'body') {
      value = s.slice(v);
      next = -1;
    } else {
      const q = s.charCodeAt(v) === QUOTE ? closingQuote(s, v) : -1;
      if (q >= 0 && (q + 1 === s.length || (s.charCodeAt(q + 1) === SPACE && keyLength(s, q + 2) > 0))) {
        value = unescapeDebug(s.slice(v + 1, q));
        next = q + 1 === s.length ? -1 : q + 2;
      } else {
        next = nextKey(s, v);
        value = next < 0 ? s.slice(v) : s.slice(v, next - 1);
      }
    }
    if (key !== '__proto__' && !(key in out)) out[key] = value;
    i = next;
  }
  return out;
}

/** A raw value cut out by position: Debug-quoted as a whole, or as written. */
function valueOf(raw: string): string {
  if (raw.length >= 2 && raw.charCodeAt(0) === QUOTE && closingQuote(raw, 0) === raw.length - 1) {
    return unescapeDebug(raw.slice(1, -1));
  }
  return raw;
}

/** Undo Rust's `str` Debug escaping: \" \\ \' \n \r \t \0 \u{..}. */
function unescapeDebug(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u\{([0-9a-fA-F]{1,6})\}|.)/g, (whole, esc: string, hex: string | undefined) => {
    if (hex !== undefined) {
      const cp = parseInt(hex, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    switch (esc) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '0':
        return '\0';
      default:
        return esc; // \" \\ \' and anything else: the character itself
    }
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
