// Classification of one provider error (DESIGN.md §3): pure, table-driven, first rule that matches wins.
import { ERROR_TYPES, type ErrorType } from '../model.js';
import { isJsonBody } from './body.js';
import { RE } from './markers.js';

export interface ClassifyInput {
  /** The record's HTTP status, null when none. */
  status: number | null;
  /** The provider's raw error body as a string, null when none. */
  body: string | null;
  /** Every message field present in the record. */
  messages: string[];
  /** An explicit error_type field of the record, if any. */
  errorType?: string | null;
}

export interface Classification {
  errorType: ErrorType;
  subtype: string | null;
  retryable: 0 | 1;
}

/** Only the first 64 KiB of each text is scanned, so a 64 MB body costs what a small one does. */
export const SCAN_LIMIT = 64 * 1024;

// Separates the body and the messages in the scanned text; it also resets the brace count of rule 0.
const SEP = '\u0000';

/** The lower-cased, capped text of the body and every message. */
function recordText(input: ClassifyInput): string {
  let text = input.body ? cap(input.body) : '';
  for (const m of input.messages) {
    if (m) text = text ? text + SEP + cap(m) : cap(m);
  }
  return text.toLowerCase();
}

const cap = (s: string): string => (s.length > SCAN_LIMIT ? s.slice(0, SCAN_LIMIT) : s);

/** A real HTTP status or null (0 and other non-statuses some clients log count as none). */
const asStatus = (s: number | null): number | null =>
  s !== null && Number.isInteger(s) && s >= 100 && s <= 999 ? s : null;

// `"code": 429`, `\"status\":\"503\"`, Python's `'code': 429`: a numeric code/status of an embedded
// error. The backslashes before the key tell how deeply the JSON is nested inside JSON strings.
const NESTED_STATUS = /(\\*)["'](?:code|status|status_code|statuscode)\\*["']\s*:\s*\\*["']?([1-5]\d\d)(?![\d.])/g;

/**
 * Rule 0 on prepared text: the numeric status of the innermost embedded error, else `outer`.
 * Innermost = most escaping (a JSON string inside a JSON string), then most braces around it.
 * No JSON.parse: a regex scan finds the candidates, a brace count runs only when they tie.
 */
function nestedStatus(text: string, outer: number | null): number | null {
  if (text.indexOf('code') < 0 && text.indexOf('status') < 0) return outer;
  NESTED_STATUS.lastIndex = 0;
  let best: { at: number; status: number; escapes: number } | null = null;
  let ties: { at: number; status: number }[] = [];
  for (let m = NESTED_STATUS.exec(text); m !== null; m = NESTED_STATUS.exec(text)) {
    const hit = { at: m.index, status: Number(m[2]), escapes: m[1]!.length };
    if (best === null || hit.escapes > best.escapes) {
      best = hit;
      ties = [hit];
    } else if (hit.escapes === best.escapes) {
      ties.push(hit);
    }
  }
  if (best === null) return outer;
  if (ties.length === 1) return best.status;
  // Several candidates at the same escaping depth: the one inside the most braces wins (first on a tie).
  let depth = 0;
  let bestDepth = -1;
  let status = best.status;
  let i = 0;
  for (const t of ties) {
    for (; i < t.at; i++) {
      const c = text.charCodeAt(i);
      if (c === 123) depth++; // {
      else if (c === 125) depth--; // }
      else if (c === 0) depth = 0; // SEP: the next text starts afresh
    }
    if (depth > bestDepth) {
      bestDepth = depth;
      status = t.status;
    }
  }
  return status;
}

/** The status rule 0 uses: the innermost embedded error's status, else the record's own. */
export function innerStatus(input: ClassifyInput): number | null {
  return nestedStatus(recordText(input), asStatus(input.status));
}

/** `http 503` / `HTTP 503` in a message (VT Code's `Provider error: http 503: ...`), else null. */
export function statusInText(text: string): number | null {
  const m = /\bhttp\s+([1-5]\d\d)(?!\d)/i.exec(text);
  return m ? Number(m[1]) : null;
}

// Aliases seen in the wild for the seven types, keyed by the normalised base name
// (lower snake case, a trailing `_error` / `_exception` removed).
const ALIASES: Record<string, ErrorType> = {
  rate_limit: 'rate_limit', ratelimit: 'rate_limit', rate_limited: 'rate_limit', rate_limit_exceeded: 'rate_limit',
  throttled: 'rate_limit', throttling: 'rate_limit', too_many_requests: 'rate_limit', quota: 'rate_limit',
  quota_exceeded: 'rate_limit', insufficient_quota: 'rate_limit', resource_exhausted: 'rate_limit',
  auth: 'auth_error', authentication: 'auth_error', authorization: 'auth_error', unauthorized: 'auth_error',
  unauthenticated: 'auth_error', forbidden: 'auth_error', permission: 'auth_error', permission_denied: 'auth_error',
  invalid_api_key: 'auth_error', api_key: 'auth_error',
  network: 'network_error', connection: 'network_error', connect: 'network_error', transport: 'network_error',
  timeout: 'network_error', timed_out: 'network_error', dns: 'network_error', tls: 'network_error',
  io: 'network_error', api_connection: 'network_error', api_timeout: 'network_error', read_timeout: 'network_error',
  connect_timeout: 'network_error',
  parse: 'parse_error', parsing: 'parse_error', json: 'parse_error', decode: 'parse_error', decoding: 'parse_error',
  deserialize: 'parse_error', deserialization: 'parse_error', serde: 'parse_error', invalid_response: 'parse_error',
  json_decode: 'parse_error', syntax: 'parse_error',
  server: 'server_error', internal: 'server_error', internal_server: 'server_error', api: 'server_error',
  overloaded: 'server_error', unavailable: 'server_error', service_unavailable: 'server_error', upstream: 'server_error',
  client: 'client_error', bad_request: 'client_error', invalid_request: 'client_error', invalid_argument: 'client_error',
  validation: 'client_error', not_found: 'client_error', model_not_found: 'client_error', conflict: 'client_error',
  unprocessable_entity: 'client_error', context_length_exceeded: 'client_error',
  unknown: 'unknown', other: 'unknown', unclassified: 'unknown',
};

/**
 * An explicit error_type as one of the seven types: `RateLimit`, `rate-limit`, `RATE_LIMIT`, `RateLimitError`,
 * `AuthError`, `network`, `timeout` (a transport timeout: network_error)... null when unrecognisable.
 */
export function normaliseErrorType(value: string): ErrorType | null {
  const exact = value.trim();
  if ((ERROR_TYPES as readonly string[]).includes(exact)) return exact as ErrorType;
  const snake = exact
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2') // APIConnection -> API_Connection
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // RateLimit -> Rate_Limit
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const base = snake.replace(/_(?:error|errors|exception|failure)$/, '');
  return ALIASES[base] ?? ALIASES[snake] ?? null;
}

function rateLimitSubtype(text: string): string {
  if (RE.throttleWindow.test(text)) return 'throttled';
  return RE.quotaSubtype.test(text) ? 'quota_exhausted' : 'throttled';
}

function authSubtype(status: number | null, text: string): string | null {
  if (status === 403) return 'permission_denied';
  if (RE.authBadKey.test(text)) return 'invalid_api_key';
  if (RE.authPermission.test(text)) return 'permission_denied';
  if (status === 401 || RE.authKey.test(text)) return 'invalid_api_key';
  return null;
}

function serverSubtype(status: number | null, text: string): string {
  if (status === 529 || RE.overload.test(text)) return 'overloaded';
  if (status === 503) return 'unavailable';
  if (status === 504) return 'timeout';
  if (status === 502) return 'bad_gateway';
  if (status !== null && status >= 500) return 'internal';
  if (RE.serverUnavailable.test(text)) return 'unavailable';
  if (RE.serverTimeout.test(text)) return 'timeout';
  if (RE.serverBadGateway.test(text)) return 'bad_gateway';
  return 'internal';
}

function clientSubtype(status: number | null, text: string): string {
  if (RE.contextLength.test(text)) return 'context_length_exceeded';
  if (status === 413 || RE.payloadTooLarge.test(text)) return 'payload_too_large';
  if (RE.contentFiltered.test(text)) return 'content_filtered';
  if (status === 404 || RE.modelNotFound.test(text)) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 402) return 'payment_required';
  return 'invalid_request';
}

function networkSubtype(text: string): string {
  if (RE.netDns.test(text)) return 'dns';
  if (RE.netTimeout.test(text)) return 'timeout';
  if (RE.netTls.test(text)) return 'tls';
  return 'connection';
}

/** The subtype of a known type, from the status (>= 400 only) and the markers. */
function subtypeOf(type: ErrorType, status: number | null, text: string): string | null {
  switch (type) {
    case 'rate_limit': return rateLimitSubtype(text);
    case 'auth_error': return authSubtype(status, text);
    case 'server_error': return serverSubtype(status, text);
    case 'client_error': return clientSubtype(status, text);
    case 'network_error': return networkSubtype(text);
    default: return null; // parse_error and unknown have no subtypes
  }
}

/**
 * Not retryable: auth, client errors and exhausted quotas (they fail again until someone acts).
 * Retryable: throttling, server, network and parse errors, and unknown (an unnamed failure is more
 * often a passing fault than a permanent one, and retrying it is what clients do by default).
 */
function retryableOf(type: ErrorType, subtype: string | null): 0 | 1 {
  if (type === 'auth_error' || type === 'client_error') return 0;
  if (type === 'rate_limit' && subtype === 'quota_exhausted') return 0;
  return 1;
}

const result = (errorType: ErrorType, subtype: string | null): Classification => ({
  errorType,
  subtype,
  retryable: retryableOf(errorType, subtype),
});

/**
 * Rules 1 to 7 of DESIGN.md §3 on the innermost status and the lower-cased text, in this order, first match
 * wins. `badBody`: the error arrived inside a 200 stream and its body is cut short or not JSON.
 */
function byRules(status: number | null, text: string, badBody: () => boolean): Classification {
  // A status below 400 (an error inside a 200 stream) counts as no status for rules 1 to 6.
  const s = status !== null && status >= 400 ? status : null;
  // 1. 429, or a rate-limit / quota marker whatever the status
  if (s === 429 || RE.rateOrQuota.test(text)) return result('rate_limit', rateLimitSubtype(text));
  // 2. 401/403, or an auth marker with no status or another 4xx
  if (s === 401 || s === 403 || ((s === null || s < 500) && RE.auth.test(text))) {
    return result('auth_error', authSubtype(s, text));
  }
  // 3. >= 500, or a server marker with no status
  if (s !== null ? s >= 500 : RE.server.test(text)) return result('server_error', serverSubtype(s, text));
  // 4. any other 4xx; 4b. with no status, a provider's own client-error code or name
  if (s !== null || RE.client.test(text)) return result('client_error', clientSubtype(s, text));
  // 5. a parse marker, or a 200 body cut short or not the JSON it claims to be (before rule 6: a
  //    transport error while decoding a body is a parse error, and rule 7 is for well-formed bodies)
  if (RE.parse.test(text) || badBody()) return result('parse_error', null);
  // 6. a transport marker
  if (RE.network.test(text)) return result('network_error', networkSubtype(text));
  // 7. an error inside a 200 stream, else nothing to go on
  if (status !== null) return result('server_error', 'stream_error');
  return result('unknown', null);
}

// Rule 0b: a validation error list (pydantic, FastAPI, Mistral: `"detail": [{"type": "extra_forbidden", ...`),
// the quotes perhaps escaped inside a JSON string.
const VALIDATION_LIST = /\\*"detail\\*"\s*:\s*\[\s*\{[^\]]*?\\*"type\\*"\s*:/;
// Rule 1's negated mentions, which count for nothing: "No credits were charged" is not an empty balance.
const NEGATED = /no credits were charged|not charged/g;

export function classify(input: ClassifyInput): Classification {
  let text = recordText(input);
  if (text.includes('charged')) text = text.replace(NEGATED, ' ');
  const status = nestedStatus(text, asStatus(input.status));
  const explicit = input.errorType ? normaliseErrorType(input.errorType) : null;
  if (explicit !== null) {
    return result(explicit, subtypeOf(explicit, status !== null && status >= 400 ? status : null, text));
  }
  if (status === 422 && VALIDATION_LIST.test(text)) return result('client_error', 'invalid_request');
  // (Asked only when rules 1 to 4 did not decide: parsing a body is the dearest test.)
  const badBody = () => status !== null && status < 400 && input.body !== null && !isJsonBody(input.body);
  return byRules(status, text, badBody);
}
