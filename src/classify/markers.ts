// The marker tables of DESIGN.md §3, as data. Each table is compiled once, at module load, into one
// RegExp that is tested against the lower-cased text of a record (never compiled per call).
//
// A string entry is a literal substring. A RegExp entry is used where a bare substring gives known
// false positives in real payloads; the reason is written next to it.

export type Marker = string | RegExp;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation for a whole table; entries are already lower case. */
export function compileMarkers(table: readonly Marker[]): RegExp {
  return new RegExp(table.map((m) => (typeof m === 'string' ? escape(m) : m.source)).join('|'));
}

// The category tables (RATE_LIMIT, QUOTA, AUTH, SERVER, PARSE, NETWORK) are DESIGN.md's lists to the
// letter, plain substrings, so that every implementation of the contract classifies alike. The two
// false positives the contract itself rules out (a 422 validation list, a negated "no credits were
// charged") are handled in classify.ts, before the tables; the subtype tables below are ours to refine.

// Rule 1: rate limits.
export const RATE_LIMIT: readonly Marker[] = [
  'rate limit', // also "rate limited"
  'rate_limit',
  'rate-limit',
  'ratelimit',
  'too many requests',
  'resource_exhausted',
  'resource exhausted',
  'resource has been exhausted',
  'throttl',
  'slow down',
  'concurrency limit',
  'usage limit',
  'daily call limit',
];

// Rule 1, quota/billing markers (subtype quota_exhausted).
export const QUOTA: readonly Marker[] = [
  'quota',
  'insufficient_quota',
  'billing',
  'credit balance',
  'credits',
  'insufficient balance',
  'payment required',
  'package has expired',
];

// Subtype only (never changes the category): billing phrases outside the DESIGN list, e.g. Zhipu's
// 1113 "余额不足或无可用资源包" or Anthropic's and xAI's spend limits. They only refine a rate limit.
export const QUOTA_SUBTYPE_EXTRA: readonly Marker[] = [
  '余额不足', '欠费', '资源包', 'spend_limit', 'spend limit', 'spending limit',
];

// Rule 2: auth.
export const AUTH: readonly Marker[] = [
  'invalid api key',
  'incorrect api key',
  'api key not valid',
  'api_key_invalid',
  'invalid_api_key',
  'invalid x-api-key',
  'authentication',
  'unauthenticated',
  'unauthorized',
  'invalid credentials',
  'permission denied',
  'permission_denied',
  'forbidden',
];

// Rule 3: server errors when there is no status.
export const SERVER: readonly Marker[] = [
  'overloaded',
  'service unavailable',
  'internal server error',
  'server error',
  'server_error',
  'bad gateway',
  'gateway timeout',
  /http 5\d\d/,
];

// Rule 5: parse errors (no status).
export const PARSE: readonly Marker[] = [
  'failed to parse',
  'error parsing',
  'parse error',
  'invalid json',
  'is not valid json',
  'unexpected end of json',
  'unexpected token',
  'unexpected non-whitespace character',
  'expected value',
  'expecting value',
  'jsondecodeerror',
  'eof while parsing',
  'error decoding response body',
  'syntaxerror',
];

// Rule 6: network errors (no status).
export const NETWORK: readonly Marker[] = [
  'network error', 'error sending request', 'error trying to connect', 'connection refused',
  'connection reset', 'connection closed', 'connection error', 'peer closed connection', 'socket',
  'broken pipe', 'econnrefused', 'econnreset', 'enotfound', 'eai_again', 'etimedout', 'fetch failed',
  'headers timeout', 'und_err', 'dns', 'tls', 'ssl', 'certificate', 'timed out', 'timeout',
];

// Subtypes. Tested only once the category is known.
export const OVERLOAD: readonly Marker[] = ['overload', 'high demand', 'at capacity', 'over capacity'];
export const SERVER_UNAVAILABLE: readonly Marker[] = ['service unavailable', 'unavailable'];
export const SERVER_TIMEOUT: readonly Marker[] = ['gateway timeout', 'timeout', 'timed out', 'deadline'];
export const SERVER_BAD_GATEWAY: readonly Marker[] = ['bad gateway', 'bad_gateway'];

export const NET_DNS: readonly Marker[] = [
  'dns', 'enotfound', 'eai_again', 'getaddrinfo', 'failed to lookup address', 'name or service not known',
  'nodename nor servname', 'name resolution', 'no such host',
];
export const NET_TIMEOUT: readonly Marker[] = ['timed out', 'timeout', 'etimedout', 'deadline'];
export const NET_TLS: readonly Marker[] = ['tls', 'ssl', 'certificate', 'handshake'];

export const CONTEXT_LENGTH: readonly Marker[] = [
  'context_length_exceeded', 'context length', 'context window', 'maximum context', 'prompt is too long',
  'too many tokens', 'input is too long', 'exceeds the maximum number of tokens', 'input token count',
  'reduce the length',
];
export const PAYLOAD_TOO_LARGE: readonly Marker[] = [
  'request_too_large', 'request too large', 'entity too large', 'payload too large', 'exceeds the maximum size',
];
export const CONTENT_FILTERED: readonly Marker[] = [
  'content_filter', 'content filter', 'content policy', 'content management policy', 'moderation', 'flagged',
  'safety', 'prohibited_content', 'blocked',
];
export const MODEL_NOT_FOUND: readonly Marker[] = [
  'model_not_found', 'model not found', 'does not exist', 'not found, try pulling', 'is not found for api version',
  'no such model', 'unknown model', 'invalid model', 'no endpoints found',
];

export const AUTH_PERMISSION: readonly Marker[] = [
  'permission', /(?<![a-z_])forbidden/, 'access denied', 'not allowed',
];
export const AUTH_KEY: readonly Marker[] = [
  'api key', 'api_key', 'apikey', 'x-api-key', 'authentication', 'unauthenticated', 'credentials',
];

/** Every table above, compiled once. */
export const RE = {
  rateLimit: compileMarkers(RATE_LIMIT),
  quota: compileMarkers(QUOTA),
  rateOrQuota: compileMarkers([...RATE_LIMIT, ...QUOTA]),
  quotaSubtype: compileMarkers([...QUOTA, ...QUOTA_SUBTYPE_EXTRA]),
  auth: compileMarkers(AUTH),
  server: compileMarkers(SERVER),
  parse: compileMarkers(PARSE),
  network: compileMarkers(NETWORK),
  overload: compileMarkers(OVERLOAD),
  serverUnavailable: compileMarkers(SERVER_UNAVAILABLE),
  serverTimeout: compileMarkers(SERVER_TIMEOUT),
  serverBadGateway: compileMarkers(SERVER_BAD_GATEWAY),
  netDns: compileMarkers(NET_DNS),
  netTimeout: compileMarkers(NET_TIMEOUT),
  netTls: compileMarkers(NET_TLS),
  contextLength: compileMarkers(CONTEXT_LENGTH),
  payloadTooLarge: compileMarkers(PAYLOAD_TOO_LARGE),
  contentFiltered: compileMarkers(CONTENT_FILTERED),
  modelNotFound: compileMarkers(MODEL_NOT_FOUND),
  authPermission: compileMarkers(AUTH_PERMISSION),
  authKey: compileMarkers(AUTH_KEY),
} as const;
