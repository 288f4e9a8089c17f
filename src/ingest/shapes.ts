// JSON values -> rows. The shapes of DESIGN.md §2: flat records, tracing-subscriber JSON (fields under
// `fields`), raw provider failures, VT Code session archives (one record per `error_logs` entry) and
// trajectory `llm_retry_metrics` lines. Field names and event phrases are data: formats/fields.json.
import { bodyMessage, classify, normaliseErrorType, redact, statusInText } from '../classify/index.js';
import { formatFiles, onFormats, type FieldName, type PhraseEvent } from '../formats/index.js';
import { EVENTS, type EventKind, type Row } from '../model.js';
import { inferProvider, providerId } from './providers.js';
import { parseCount, parseStatus, parseTimestamp, stripAnsi } from './values.js';

type Obj = Record<string, unknown>;

export interface RecordSink {
  row(row: Row): void;
  ignored(): void;
  skipped(line: number, reason: string): void;
}

const MAX_MESSAGE = 500;
const EVENT_SET = new Set<string>(EVENTS);

// Each field's names in order of preference, and the event phrases: the built-in file's, then a user's.
// Every name of every field has a slot: one pass over a record's keys fills the slots (fields.ts order
// is kept by reading a field's slots in its names' order), instead of a property lookup per name.
let SLOT!: Map<string, number>;
let SLOTS!: Record<FieldName, number[]>;
let FINAL_ERROR!: number[];
let EVENT_PHRASES!: Array<[string, PhraseEvent]>;
let ANY_PHRASE!: RegExp;
onFormats(() => {
  const files = formatFiles('fields');
  const names = {} as Record<FieldName, string[]>;
  for (const f of files) {
    for (const [name, { names: aliases }] of Object.entries(f.fields ?? {}) as Array<[FieldName, { names: string[] }]>) {
      const known = (names[name] ??= []);
      for (const n of aliases) if (!known.includes(n)) known.push(n);
    }
  }
  SLOT = new Map();
  const slotOf = (n: string) => SLOT.get(n) ?? (SLOT.set(n, SLOT.size), SLOT.size - 1);
  SLOTS = Object.fromEntries(Object.entries(names).map(([field, aliases]) => [field, aliases.map(slotOf)])) as Record<FieldName, number[]>;
  FINAL_ERROR = [slotOf('final_error')];
  EVENT_PHRASES = files.flatMap((f) => (f.eventPhrases ?? []).map((p): [string, PhraseEvent] => [p.phrase, p.event]));
  ANY_PHRASE = new RegExp(EVENT_PHRASES.map(([p]) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
});

// The slots of the record being read: its top-level values, and those under `fields`.
const top: unknown[] = [];
const nested: unknown[] = [];
const filled: number[] = [];

function fillSlots(o: Obj, into: unknown[]): void {
  for (const k in o) {
    const s = SLOT.get(k);
    if (s !== undefined) {
      into[s] = o[k];
      filled.push(s);
    }
  }
}

function clearSlots(): void {
  for (const s of filled) top[s] = nested[s] = undefined;
  filled.length = 0;
}

/** A field: the first of its names present at the top level, else under `fields` (null counts as absent). */
function pick(slots: readonly number[]): unknown {
  for (const s of slots) if (top[s] !== undefined && top[s] !== null) return top[s];
  for (const s of slots) if (nested[s] !== undefined && nested[s] !== null) return nested[s];
  return undefined;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * One JSON value from the framer, at `line` of `file`. `from`: the reader that made it, `debug` for a line
 * of VT Code's text debug log (textlog.ts). Provenance is the reader's word, never a field of the record.
 */
export function readValue(value: unknown, file: string, line: number, sink: RecordSink, from: 'debug' | null = null): void {
  if (!isObj(value)) return sink.skipped(line, 'not an object');
  if (isObj(value.metadata) && ('error_logs' in value || 'messages' in value || 'transcript' in value)) {
    return readArchive(value, file, line, sink);
  }
  const fromDebugLog = from === 'debug';
  if (typeof value.kind === 'string' && !('level' in value) && !('fields' in value) && !('provider' in value)) {
    return readTrajectory(value, file, line, fromDebugLog ? 'debug' : 'trajectory', sink);
  }
  readRecord(value, { file, line, origin: fromDebugLog ? 'debug' : undefined }, sink);
}

// A session archive: each `error_logs` entry is a record, with provider and model from `metadata`.
function readArchive(doc: Obj, file: string, line: number, sink: RecordSink): void {
  const logs = Array.isArray(doc.error_logs) ? doc.error_logs : [];
  if (logs.length === 0) return sink.ignored();
  const meta = doc.metadata as Obj;
  const defaults: Defaults = { file, line, provider: str(meta.provider), model: str(meta.model), origin: 'archive' };
  for (const entry of logs) {
    if (isObj(entry)) readRecord(entry, defaults, sink);
    else sink.skipped(line, 'not an object');
  }
}

// A trajectory line: only `llm_retry_metrics` is about provider errors.
function readTrajectory(o: Obj, file: string, line: number, origin: 'debug' | 'trajectory', sink: RecordSink): void {
  if (o.kind !== 'llm_retry_metrics') return sink.ignored();
  const retries = parseCount(o.retries_used);
  const success = o.success === true || o.success === 'true';
  if (success && !(retries !== null && retries > 0)) return sink.ignored();
  const timestamp = parseTimestamp(o.ts ?? o.timestamp);
  if (timestamp === null) return sink.skipped(line, 'no usable timestamp');
  const model = clean(str(o.model));
  const lastError = clean(str(o.last_error));
  const messages = lastError ? [lastError] : [];
  const provider = inferProvider(null, messages, model);
  const c = lastError ? classify({ status: statusInText(lastError), body: null, messages }) : null;
  sink.row({
    timestamp,
    provider,
    model,
    event: success ? 'recovered' : 'failed',
    error_type: c?.errorType ?? null,
    error_subtype: c?.subtype ?? null,
    status_code: lastError ? statusInText(lastError) : null,
    error_message: lastError ? shorten(lastError) : null,
    retry_count: retries,
    request_id: null,
    outcome: null,
    retryable: c?.retryable ?? null,
    level: null,
    source: `${file}:${line}`,
    // The same retry outcome is written to the debug log and to the trajectory.
    dedup: { key: `outcome|${model}|${parseCount(o.attempts_made)}|${retries}|${success}`, origin },
  });
}

interface Defaults {
  file: string;
  line: number;
  provider?: string | null;
  model?: string | null;
  origin?: 'debug' | 'archive'; // VT Code artifacts whose records may repeat each other
}

/** A flat, tracing-JSON or raw record (or a session archive's `error_logs` entry). */
function readRecord(o: Obj, d: Defaults, sink: RecordSink): void {
  fillSlots(o, top);
  if (isObj(o.fields)) fillSlots(o.fields, nested);
  try {
    readSlots(d, sink);
  } finally {
    clearSlots();
  }
}

function readSlots(d: Defaults, sink: RecordSink): void {
  // Every message field present (each name at the top level, then under `fields`), in alias order.
  const messages: string[] = [];
  let errorObject: string | null = null;
  for (const s of SLOTS.message) {
    for (let v = top[s], k = 0; k < 2; k++, v = nested[s]) {
      if (typeof v === 'string') messages.push(stripAnsi(v));
      else if (errorObject === null && isObj(v)) errorObject = stripAnsi(JSON.stringify(v)); // {"error": {...}} is a body
    }
  }
  const finalError = pick(FINAL_ERROR);
  if (typeof finalError === 'string') messages.push(stripAnsi(finalError));
  const rawBody = pick(SLOTS.body);
  let body = typeof rawBody === 'string' ? stripAnsi(rawBody) : isObj(rawBody) || Array.isArray(rawBody) ? stripAnsi(JSON.stringify(rawBody)) : null;
  if (body === null) body = errorObject;

  // Status: an HTTP status from the status fields; `recovered` / `failed` there is the outcome.
  let status: number | null = null;
  let outcome = str(pick(SLOTS.outcome))?.toLowerCase() ?? null;
  for (const s of SLOTS.status) {
    const v = top[s] ?? nested[s] ?? undefined;
    if (v === undefined) continue;
    if (typeof v === 'string' && OUTCOME.test(v)) outcome ??= v.trim().toLowerCase();
    else status ??= parseStatus(v);
  }
  if (status === null) for (const m of messages) if ((status = statusInText(m)) !== null) break;

  const event = eventOf(str(pick(SLOTS.event)), messages, finalError !== undefined);
  const explicitType = str(pick(SLOTS.errorType));
  const level = str(pick(SLOTS.level))?.toUpperCase() ?? null;
  const errorField = pick(SLOTS.errorFields) !== undefined;
  const carriesError = explicitType !== null || body !== null || (status !== null && status >= 400) || errorField;
  if (!(event.named || carriesError || level === 'ERROR')) return sink.ignored();

  const timestamp = parseTimestamp(pick(SLOTS.time));
  if (timestamp === null) return sink.skipped(d.line, 'no usable timestamp');

  const model = cleanName(str(pick(SLOTS.model))) ?? d.model ?? null;
  const rawProvider = str(pick(SLOTS.provider)) ?? d.provider;
  const provider =
    (rawProvider ? providerOf(rawProvider) : null) ?? inferProvider(str(pick(SLOTS.target)), body !== null ? [...messages, body] : messages, model);

  // Errors are always classified; other events only when they carry something to classify.
  const c =
    event.kind === 'error' || event.kind === 'failed' || event.kind === 'retry' || carriesError
      ? classify({ status, body, messages, errorType: explicitType })
      : null;
  const errorType = c && (carriesError || event.kind === 'error' || c.errorType !== 'unknown') ? c : null;

  const message = messages[0] ?? (body !== null ? bodyMessage(body) ?? body : null);
  const row: Row = {
    timestamp,
    provider,
    model,
    event: event.kind,
    error_type: errorType?.errorType ?? (explicitType ? normaliseErrorType(explicitType) : null),
    error_subtype: errorType?.subtype ?? null,
    status_code: status,
    error_message: message === null ? null : shorten(message),
    retry_count: parseCount(pick(SLOTS.retries)),
    request_id: clean(str(pick(SLOTS.requestId))),
    outcome: outcome === 'recovered' || outcome === 'failed' ? outcome : null,
    retryable: errorType?.retryable ?? null,
    level,
    source: `${d.file}:${d.line}`,
    // A debug-log line and the session archive's error_logs entry for it: same event, provider, message.
    // (The debug line often names no provider: the tracing target is what both carry.)
    dedup: d.origin && message !== null ? { key: `message|${event.kind}|${str(pick(SLOTS.target)) ?? ''}|${dedupText(message)}`, origin: d.origin } : undefined,
  };
  // Only a fallback names its secondary provider; other rows keep the one shape (no spread on the hot path).
  if (event.kind === 'fallback') {
    const to = providerOf(str(pick(SLOTS.fallbackTo)) ?? '');
    if (to !== null) row.fallback_to = to;
  }
  sink.row(row);
}

const dedupText = (m: string) => m.slice(0, 300).toLowerCase().replace(/\s+/g, ' ').trim();

const OUTCOME = /^\s*(recovered|failed)\s*$/i;

// Provider and model values repeat on every line: each distinct one is cleaned once (a bounded memo).
const memo = <T>(fn: (s: string) => T) => {
  const cache = new Map<string, T>();
  return (s: string): T => {
    let v = cache.get(s);
    if (v === undefined) {
      if (cache.size > 10_000) cache.clear();
      cache.set(s, (v = fn(s)));
    }
    return v;
  };
};
const providerOf = memo((raw: string) => {
  const cleaned = clean(raw);
  return cleaned === null ? null : providerId(cleaned);
});
const cleanModel = memo((raw: string) => clean(raw));
const cleanName = (raw: string | null) => (raw === null ? null : cleanModel(raw));

/** The event: an explicit `event` field naming one of the five, then a phrase in any message. */
function eventOf(field: string | null, messages: string[], hasFinalError: boolean): { kind: EventKind; named: boolean } {
  const named = field?.toLowerCase();
  if (named && EVENT_SET.has(named)) return { kind: named as EventKind, named: true };
  const lower = messages.some((m) => ANY_PHRASE.test(m)) ? messages.map((m) => m.slice(0, 4096).toLowerCase()) : [];
  for (const [phrase, kind] of EVENT_PHRASES) {
    if (kind === 'failed' && hasFinalError) return { kind, named: true };
    for (const m of lower) if (m.includes(phrase)) return { kind, named: true };
  }
  return { kind: 'error', named: false };
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function clean(v: string | null | undefined): string | null {
  return v === null || v === undefined ? null : redact(stripAnsi(v)).trim() || null;
}

// Redact first, so that a secret cut at the limit is not half kept; bound the work on huge text.
// Messages repeat: each distinct one is worked on once.
const shorten = memo(shortenOnce);
function shortenOnce(text: string): string {
  const r = redact(text.length > 4 * MAX_MESSAGE ? text.slice(0, 4 * MAX_MESSAGE) : text);
  return r.length > MAX_MESSAGE ? r.slice(0, MAX_MESSAGE) : r;
}
