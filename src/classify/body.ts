// The human message inside a provider's error body (DESIGN.md §9).

/** Bodies larger than this are not parsed: the caller falls back to (a prefix of) the raw body. */
export const BODY_PARSE_LIMIT = 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-empty string, or a number written as one (an `error.status` may be numeric). */
function text(v: Json | undefined): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number') return String(v);
  return null;
}

/** `[0].msg` of a pydantic-style detail list (Mistral, FastAPI). */
function firstMsg(v: Json | undefined): string | null {
  return Array.isArray(v) && isObject(v[0]) ? text(v[0].msg) : null;
}

/**
 * The message of a provider error body, in the order of DESIGN.md §9: `error.message`, Mistral's
 * `message.detail[0].msg`, `error` as a string, `detail` (a string, or a list whose [0].msg),
 * `error.status`, `message`; else null (the caller then stores the raw body).
 *
 * OpenRouter's generic `error.message` ("Provider returned error") is kept even when
 * `error.metadata.raw` holds the upstream message: the contract names `error.message` first, and
 * the upstream text still takes part in classification through the body.
 * An SSE `data:` prefix and a one-element array around the object (Gemini) are looked through.
 */
export function bodyMessage(body: string): string | null {
  if (body.length > BODY_PARSE_LIMIT) return null;
  let s = body.trim();
  if (s.startsWith('data:')) s = s.slice(5).trim();
  const first = s.charCodeAt(0);
  if (first !== 123 && first !== 91) return null; // neither { nor [: not a JSON document
  let doc: Json;
  try {
    doc = JSON.parse(s) as Json;
  } catch {
    return null;
  }
  if (Array.isArray(doc)) doc = doc[0] ?? null;
  if (!isObject(doc)) return null;

  const { error, message, detail } = doc;
  if (isObject(error)) {
    const m = text(error.message);
    if (m !== null) return m;
  }
  if (isObject(message)) {
    const m = firstMsg(message.detail);
    if (m !== null) return m;
  }
  const e = text(error);
  if (typeof error === 'string' && e !== null) return e;
  const d = typeof detail === 'string' ? text(detail) : firstMsg(detail);
  if (d !== null) return d;
  if (isObject(error)) {
    const st = text(error.status);
    if (st !== null) return st;
  }
  return typeof message === 'string' ? text(message) : null;
}

/** JSON's own whitespace only (what JSON.parse skips), so that scripts/oracle.py trims alike. */
const jsonTrim = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

// What a JSON text may start with (after whitespace): anything else fails JSON.parse, and a failed
// parse is dear (it throws), so such text is not handed to it.
const JSON_START = /^[ \t\r\n]*[{["\-0-9tfn]/;

function parses(s: string): boolean {
  if (!JSON_START.test(s)) return false;
  // A document cut short: an object or array that does not end with its closing bracket.
  const t = jsonTrim(s);
  if ((t[0] === '{' && t[t.length - 1] !== '}') || (t[0] === '[' && t[t.length - 1] !== ']')) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a body is the JSON it claims to be: one JSON document, or a server-sent-event stream whose
 * every `data:` payload (`[DONE]` and empty ones aside) is one. An empty body, one cut short and an HTML
 * page are not. A body over BODY_PARSE_LIMIT is not parsed and counts as JSON.
 */
export function isJsonBody(body: string): boolean {
  if (body.length > BODY_PARSE_LIMIT || parses(body)) return true;
  let events = false;
  for (const raw of body.split('\n')) {
    const line = jsonTrim(raw);
    if (!line.startsWith('data:')) continue;
    events = true;
    const payload = jsonTrim(line.slice(5));
    if (payload !== '' && payload !== '[DONE]' && !parses(payload)) return false;
  }
  return events;
}
